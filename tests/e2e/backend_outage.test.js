'use strict';
// A backend that goes away never takes client connections down: calls fail with the generic
// text within the deadline, pushes still arrive, and after the backend restarts on the same
// address calls work again. Also: a gateway started before its backend.
//
// Reconnection after a restart depends on gRPC's reconnect back-off (capped at 5 s by the
// gateway), so "works again" is observed by retrying the call, bounded in time.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const {
  buildConnection,
  connect,
  stopAll,
  subscribeStream,
  waitFor,
  withTimeout, errorOf, startError } = require('./lib/clients');
const { startTestBackend } = require('./lib/test_backend');
const { freePort, waitForDescription, eventually } = require('./lib/hub_handler');

const DEADLINE_MS = 2000;
const INVOKE_ERROR = (m) => `An unexpected error occurred invoking '${m}' on the server.`;
const STREAM_ERROR = 'An error occurred on the server while streaming results.';
const HANDSHAKE_ERROR =
  'Server returned handshake error: An unexpected error occurred during connection handshake.';

let gw;
let backend; // hub "outage"
let lateBackend; // hub "late": not running when the gateway starts
let latePort;
let conn;
const extra = [];

before(async () => {
  backend = await startTestBackend();
  latePort = await freePort();
  gw = await startGateway({
    workers: 2,
    config: {
      hubs: [
        { name: 'outage', path: '/hubs/outage', backend_target: backend.target, backend_deadline: `${DEADLINE_MS}ms` },
        { name: 'late', path: '/hubs/late', backend_target: `127.0.0.1:${latePort}`, backend_deadline: `${DEADLINE_MS}ms` },
      ],
    },
  });
  await waitForDescription(gw, 'outage');
  conn = await connect(gw.hubUrl('/hubs/outage'));
});

after(async () => {
  await stopAll([conn, ...extra]);
  if (gw) await gw.stop();
  if (backend) await backend.stop();
  if (lateBackend) await lateBackend.stop();
});



test('with the backend up: invoke and stream work', async () => {
  assert.equal(await conn.invoke('Echo', 'up'), 'up');
  const { items, error } = await subscribeStream(conn.stream('Count', 2)).ended();
  assert.deepEqual({ items, error }, { items: [0, 1], error: undefined });
});

test('backend stops: a running stream fails, calls fail fast, the connection stays usable', async () => {
  const running = subscribeStream(conn.stream('Forever'), { what: 'Forever' });
  await running.nItems(2);

  await backend.stop();

  const { error: streamEnd } = await running.ended();
  assert.ok(streamEnd, 'the running stream must end with an error');
  assert.equal(streamEnd.message, STREAM_ERROR);

  const started = Date.now();
  assert.equal(await errorOf(conn.invoke('Echo', 'down')), INVOKE_ERROR('Echo'));
  const elapsed = Date.now() - started;
  // Fails within the deadline (with slack for a loaded machine), not after gRPC's long backoff.
  assert.ok(elapsed < DEADLINE_MS + 3000, `failed after ${elapsed} ms, deadline ${DEADLINE_MS} ms`);

  // A stream that fails before its first item is a failed invocation, as in .NET.
  const { error: newStreamError, items } = await subscribeStream(conn.stream('Count', 3)).ended();
  assert.deepEqual(items, []);
  assert.ok(newStreamError, 'a new stream must fail');
  assert.equal(newStreamError.message, INVOKE_ERROR('Count'));

  // The description is kept: unknown methods and wrong kinds are still answered by the gateway.
  assert.equal(await errorOf(conn.invoke('NoSuchMethod')), "Unknown hub method 'NoSuchMethod'");
  assert.equal(
    await errorOf(conn.invoke('Count', 1)),
    "The client attempted to invoke the streaming 'Count' method with a non-streaming invocation.",
  );

  // The connection itself is fine: still connected, and a push reaches it.
  assert.equal(conn.state, 'Connected');
  const pushed = waitFor(conn, 'Notice');
  const r = await gw.grpcClient.send({
    hub: 'outage',
    method: 'Notice',
    argumentsJson: '["backend down"]',
    connectionId: conn.connectionId,
  });
  assert.equal(r.queuedConnections, '1');
  assert.deepEqual(await pushed, ['backend down']);
});

test('backend down: a new connection fails its handshake with the generic error', async () => {
  const fresh = buildConnection(gw.hubUrl('/hubs/outage'));
  assert.equal(await startError(fresh), HANDSHAKE_ERROR);
  assert.equal(conn.state, 'Connected', 'other connections are not affected');
});

test('backend restarts on the same address: calls work again on the old connection', async () => {
  const port = backend.port;
  await backend.start();
  assert.equal(backend.port, port);
  const value = await eventually(() => conn.invoke('Echo', 'back'), {
    timeoutMs: 15000,
    what: 'invoke after the backend restarted',
  });
  assert.equal(value, 'back');
  const seen = backend.of('invoke', (e) => e.method === 'Echo' && e.args[0] === 'back');
  assert.ok(seen.length >= 1);
  assert.equal(seen[seen.length - 1].context.connectionId, conn.connectionId);
  const { items, error } = await subscribeStream(conn.stream('Count', 3)).ended();
  assert.deepEqual({ items, error }, { items: [0, 1, 2], error: undefined });
  // New connections are accepted again.
  const fresh = await connect(gw.hubUrl('/hubs/outage'));
  extra.push(fresh);
  assert.equal(await fresh.invoke('Echo', 'fresh'), 'fresh');
});

test('a gateway started before its backend describes it in the background once it is up', async () => {
  const early = buildConnection(gw.hubUrl('/hubs/late'));
  assert.equal(await startError(early), HANDSHAKE_ERROR);

  lateBackend = await startTestBackend({ port: latePort });
  // No client call is needed: the gateway retries Describe with backoff until it succeeds.
  await waitForDescription(gw, 'late', 15000);
  const late = await connect(gw.hubUrl('/hubs/late'));
  extra.push(late);
  assert.equal(await late.invoke('Echo', 'late'), 'late');
  const { items, error } = await subscribeStream(late.stream('Count', 2)).ended();
  assert.deepEqual({ items, error }, { items: [0, 1], error: undefined });
  assert.equal(await errorOf(late.invoke('Nope')), "Unknown hub method 'Nope'");
});
