'use strict';
// Negotiate, the WebSocket transport with and without negotiate, connection tokens (404, 409,
// expiry after disconnect_timeout) and the id the Push API targets.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const {
  signalR,
  connect,
  buildConnection,
  RecordingHttpClient,
  waitFor,
  stopAll,
  negotiate,
  RawClient,
  upgradeStatus,
  rawHubClient,
  withTimeout,
} = require('./lib/clients');

const URL_SAFE = /^[A-Za-z0-9_-]+$/;

let gw;
const open = [];

before(async () => {
  gw = await startGateway({
    workers: 2,
    config: {
      hubs: [
        { name: 'posts', path: '/hubs/posts' },
        { name: 'quick', path: '/hubs/quick', disconnect_timeout: '1s' },
      ],
    },
  });
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
});

test('negotiate answers version 1 with an id, a distinct URL-safe token and WebSockets', async () => {
  const { status, body, headers } = await negotiate(gw.hubUrl('/hubs/posts'));
  assert.equal(status, 200);
  assert.match(headers.get('content-type'), /^application\/json/);
  assert.equal(body.negotiateVersion, 1);
  assert.equal(typeof body.connectionId, 'string');
  assert.equal(typeof body.connectionToken, 'string');
  assert.match(body.connectionId, URL_SAFE);
  assert.match(body.connectionToken, URL_SAFE);
  assert.notEqual(body.connectionId, body.connectionToken);
  assert.ok(Array.isArray(body.availableTransports));
  const ws = body.availableTransports.find((t) => t.transport === 'WebSockets');
  assert.ok(ws, JSON.stringify(body.availableTransports));
  assert.ok(ws.transferFormats.includes('Text'));
  assert.equal('ProtocolVersion' in body, false);
  assert.equal('useStatefulReconnect' in body, false);

  const again = await negotiate(gw.hubUrl('/hubs/posts'));
  assert.notEqual(again.body.connectionId, body.connectionId);
  assert.notEqual(again.body.connectionToken, body.connectionToken);
});

test('negotiate without negotiateVersion answers version 0, whose token is the connection id', async () => {
  const { status, body } = await negotiate(gw.hubUrl('/hubs/posts'), { version: null });
  assert.equal(status, 200);
  assert.equal(body.negotiateVersion, 0);
  assert.equal(body.connectionToken, undefined);
  const client = await RawClient.connect(`${gw.hubUrl('/hubs/posts')}?id=${body.connectionId}`);
  open.push(client);
  assert.deepEqual(await client.handshake(), {});
  const r = await gw.grpcClient.send({
    hub: 'posts',
    method: 'V0',
    connectionId: body.connectionId,
  });
  assert.equal(r.queuedConnections, '1');
  const m = await client.nextNonPing();
  assert.deepEqual(m, { type: 1, target: 'V0', arguments: [] });
});

test('negotiate is case-insensitive in the path and keeps extra query parameters working', async () => {
  const { status, body } = await negotiate(gw.hubUrl('/HUBS/Posts'), { query: 'tenant=a' });
  assert.equal(status, 200);
  assert.equal(body.negotiateVersion, 1);
  const conn = await connect(`${gw.hubUrl('/hubs/posts')}?tenant=a&x=1`);
  open.push(conn);
  const got = waitFor(conn, 'Hello');
  await gw.grpcClient.send({ hub: 'posts', method: 'Hello', connectionId: conn.connectionId });
  await got;
});

test('negotiate with a non-numeric negotiateVersion answers an error object', async () => {
  const { status, body } = await negotiate(gw.hubUrl('/hubs/posts'), { version: 'abc' });
  assert.equal(status, 200);
  assert.equal(typeof body.error, 'string');
  assert.match(body.error, /abc/);
  assert.equal(body.connectionId, undefined);
});

test('negotiate needs POST', async () => {
  const response = await fetch(`${gw.hubUrl('/hubs/posts')}/negotiate?negotiateVersion=1`);
  assert.equal(response.status, 405);
});

test('the negotiated connectionId is conn.connectionId and the id the Push API targets', async () => {
  const httpClient = new RecordingHttpClient();
  const conn = buildConnection(gw.hubUrl('/hubs/posts'), { httpClient });
  open.push(conn);
  await withTimeout(conn.start(), 10000, 'start');
  assert.equal(conn.state, signalR.HubConnectionState.Connected);
  assert.equal(httpClient.negotiations.length, 1);
  const negotiated = httpClient.negotiations[0];
  assert.match(negotiated.url, /\/hubs\/posts\/negotiate\?negotiateVersion=1$/);
  assert.equal(conn.connectionId, negotiated.body.connectionId);
  assert.match(conn.connectionId, URL_SAFE);

  const got = waitFor(conn, 'Direct');
  const r = await gw.grpcClient.send({
    hub: 'posts',
    method: 'Direct',
    argumentsJson: '[{"id":42}]',
    connectionId: conn.connectionId,
  });
  assert.equal(r.queuedConnections, '1');
  assert.deepEqual(await got, [{ id: 42 }]);
});

test('a raw client: negotiate id == Push API target; pushed invocations carry no invocationId', async () => {
  const client = await rawHubClient(gw.hubUrl('/hubs/posts'));
  open.push(client);
  const r = await gw.grpcClient.send({
    hub: 'posts',
    method: 'Raw',
    argumentsJson: '["a",1]',
    connectionId: client.connectionId,
  });
  assert.equal(r.queuedConnections, '1');
  const m = await client.nextNonPing();
  assert.deepEqual(m, { type: 1, target: 'Raw', arguments: ['a', 1] });
  // Server frames of the JSON protocol are Text frames.
  assert.ok(client.frames.length > 0);
  assert.ok(client.frames.every((f) => !f.isBinary), JSON.stringify(client.frames));
});

test('skipNegotiation: the client connects without negotiate and receives pushes', async () => {
  const httpClient = new RecordingHttpClient();
  const conn = await connect(gw.hubUrl('/hubs/posts'), { skipNegotiation: true, httpClient });
  open.push(conn);
  assert.equal(conn.state, signalR.HubConnectionState.Connected);
  assert.equal(httpClient.negotiations.length, 0);
  assert.equal(conn.connectionId, null);
  const got = waitFor(conn, 'Everyone', { predicate: (args) => args[0] === 'skip' });
  const r = await gw.grpcClient.send({
    hub: 'posts',
    method: 'Everyone',
    argumentsJson: '["skip"]',
    all: {},
  });
  assert.ok(Number(r.queuedConnections) >= 1);
  await got;
});

test('WebSocket with an unknown token: 404', async () => {
  assert.equal(await upgradeStatus(`${gw.hubUrl('/hubs/posts')}?id=not-a-real-token`), 404);
});

test('a token negotiated for one hub cannot be used on another hub', async () => {
  const { body } = await negotiate(gw.hubUrl('/hubs/posts'));
  assert.equal(await upgradeStatus(`${gw.hubUrl('/hubs/quick')}?id=${body.connectionToken}`), 404);
});

test('a second WebSocket on the same token: 409, and the first one keeps working', async () => {
  const first = await rawHubClient(gw.hubUrl('/hubs/posts'));
  open.push(first);
  const status = await upgradeStatus(`${gw.hubUrl('/hubs/posts')}?id=${first.connectionToken}`);
  assert.equal(status, 409);
  await gw.grpcClient.send({ hub: 'posts', method: 'StillHere', connectionId: first.connectionId });
  const m = await first.nextNonPing();
  assert.equal(m.target, 'StillHere');
  assert.equal(first.isOpen(), true);
});

test('the token of a closed connection cannot be reused: 404', async () => {
  const client = await rawHubClient(gw.hubUrl('/hubs/posts'));
  client.send({ type: 7 });
  const closed = await client.closed();
  assert.equal(closed.code, 1000);
  // The token is forgotten when the server tears the connection down, right after the closing
  // handshake. Until then the token is still claimed (409); it must never open again.
  const url = `${gw.hubUrl('/hubs/posts')}?id=${client.connectionToken}`;
  const deadline = Date.now() + 3000;
  let status = await upgradeStatus(url);
  while (status === 409 && Date.now() < deadline) status = await upgradeStatus(url);
  assert.equal(status, 404);
});

test('unknown hub path: negotiate 404, WebSocket 404, and the SignalR client fails to start', async () => {
  const n = await negotiate(gw.hubUrl('/hubs/nope'));
  assert.equal(n.status, 404);
  assert.equal(await upgradeStatus(gw.hubUrl('/hubs/nope')), 404);
  const conn = buildConnection(gw.hubUrl('/hubs/nope'));
  await assert.rejects(withTimeout(conn.start(), 10000, 'start'), /404/);
  assert.equal(conn.state, signalR.HubConnectionState.Disconnected);
});

test('a plain GET on a hub path is not a WebSocket: 400', async () => {
  const response = await fetch(gw.hubUrl('/hubs/posts'));
  assert.equal(response.status, 400);
});

test('disconnect_timeout: a negotiated connection used at once is fine and outlives the timeout', async () => {
  const client = await rawHubClient(gw.hubUrl('/hubs/quick'));
  open.push(client);
  // Wait for longer than disconnect_timeout (1 s): the subject of this test.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const r = await gw.grpcClient.send({ hub: 'quick', method: 'Alive', connectionId: client.connectionId });
  assert.equal(r.queuedConnections, '1');
  assert.equal((await client.nextNonPing()).target, 'Alive');
});

test('disconnect_timeout: a negotiated but never connected token is rejected after it', async () => {
  const early = await negotiate(gw.hubUrl('/hubs/quick'));
  const late = await negotiate(gw.hubUrl('/hubs/quick'));
  const kept = await negotiate(gw.hubUrl('/hubs/posts')); // default 15 s, must still be valid
  // Within the timeout the token works.
  const earlyClient = await RawClient.connect(`${gw.hubUrl('/hubs/quick')}?id=${early.body.connectionToken}`);
  open.push(earlyClient);
  assert.deepEqual(await earlyClient.handshake(), {});
  // Waiting past disconnect_timeout (1 s, expiry checked about once a second) is the subject.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal(await upgradeStatus(`${gw.hubUrl('/hubs/quick')}?id=${late.body.connectionToken}`), 404);
  // The expired connection is unknown to the Push API as well.
  const r = await gw.grpcClient.addToGroup({
    hub: 'quick',
    connectionId: late.body.connectionId,
    group: 'g',
  });
  assert.equal(r.connectionFound, false);
  // A hub with the default timeout still accepts a token negotiated 3 s ago.
  const keptClient = await RawClient.connect(`${gw.hubUrl('/hubs/posts')}?id=${kept.body.connectionToken}`);
  open.push(keptClient);
  assert.deepEqual(await keptClient.handshake(), {});
});

test('a negotiated connection is not routable before its WebSocket handshake completes', async () => {
  const { body } = await negotiate(gw.hubUrl('/hubs/posts'));
  const r = await gw.grpcClient.send({ hub: 'posts', method: 'Early', connectionId: body.connectionId });
  assert.equal(r.queuedConnections, '0');
  const client = await RawClient.connect(`${gw.hubUrl('/hubs/posts')}?id=${body.connectionToken}`);
  open.push(client);
  // Opened but no handshake yet: still not routable.
  const r2 = await gw.grpcClient.send({ hub: 'posts', method: 'Early', connectionId: body.connectionId });
  assert.equal(r2.queuedConnections, '0');
  assert.deepEqual(await client.handshake(), {});
  const r3 = await gw.grpcClient.send({ hub: 'posts', method: 'Late', connectionId: body.connectionId });
  assert.equal(r3.queuedConnections, '1');
  // Nothing sent before the handshake may arrive: the first message is 'Late'.
  assert.equal((await client.nextNonPing()).target, 'Late');
});
