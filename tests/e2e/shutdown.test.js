'use strict';
// SIGTERM: every connected client gets a Close message allowing reconnect and a normal
// WebSocket close, then the process exits with code 0.

const assert = require('node:assert/strict');
const { after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const {
  connect,
  buildConnection,
  RawClient,
  rawHubClient,
  stopAll,
  withTimeout,
  deferred,
} = require('./lib/clients');

const gateways = [];
const open = [];

after(async () => {
  await stopAll(open);
  await Promise.all(gateways.map((gw) => gw.stop().catch(() => {})));
});

test('SIGTERM closes every client gracefully and exits 0', async () => {
  const gw = await startGateway({
    name: 'shutdown',
    workers: 3,
    config: {
      hubs: [
        { name: 'posts', path: '/hubs/posts' },
        { name: 'other', path: '/hubs/other' },
      ],
    },
  });
  gateways.push(gw);

  // Official clients on both hubs (several, so that more than one worker is involved).
  const clients = [];
  for (let i = 0; i < 4; i += 1) {
    clients.push(await connect(gw.hubUrl(i % 2 ? '/hubs/other' : '/hubs/posts')));
  }
  open.push(...clients);
  // One with automatic reconnect: allowReconnect must make it try to reconnect.
  const reconnecting = deferred();
  const autoClient = buildConnection(gw.hubUrl('/hubs/posts'), { reconnect: [60000] });
  autoClient.onreconnecting((error) => reconnecting.resolve(error));
  await withTimeout(autoClient.start(), 10000, 'start with reconnect');
  open.push(autoClient);

  // Raw clients: one after the handshake, one that opened the socket but never handshook.
  const raw = await rawHubClient(gw.hubUrl('/hubs/posts'));
  const rawOther = await rawHubClient(gw.hubUrl('/hubs/other'));
  const unhandshaken = await RawClient.connect(gw.hubUrl('/hubs/posts'));
  open.push(raw, rawOther, unhandshaken);

  // Everyone is live before the signal.
  const r = await gw.grpcClient.send({ hub: 'posts', method: 'Live', all: {} });
  assert.equal(r.queuedConnections, '4'); // 2 official + auto + raw
  assert.equal((await raw.nextNonPing()).target, 'Live');

  const code = await gw.stop();
  assert.equal(code, 0, `exit code ${code}, signal ${gw.exitSignal}`);

  // Raw clients: exactly a Close allowing reconnect, without an error, then close 1000.
  for (const client of [raw, rawOther]) {
    const close = await client.nextNonPing({ timeoutMs: 5000, what: 'Close on shutdown' });
    assert.deepEqual(close, { type: 7, allowReconnect: true });
    const closed = await client.closed(5000);
    assert.equal(closed.code, 1000);
    const after = client.received.slice(client.received.indexOf(close) + 1);
    assert.deepEqual(after, [], 'nothing after the Close message');
  }
  // The connection still in its handshake is closed too (no hub message is possible yet).
  await unhandshaken.closed(5000);
  assert.deepEqual(unhandshaken.received, []);

  // Official clients: onclose without an error.
  for (const client of clients) {
    const error = await withTimeout(client.closed, 5000, 'onclose');
    assert.equal(error, undefined, `onclose error: ${error && error.message}`);
    assert.equal(client.state, 'Disconnected');
  }
  // allowReconnect: true makes a withAutomaticReconnect client start reconnecting, and the
  // Close carried no error.
  const reconnectError = await withTimeout(reconnecting.promise, 5000, 'onreconnecting');
  assert.equal(reconnectError, undefined);
  await autoClient.stop();

  assert.match(gw.logs(), /received SIGTERM, draining/);
});

test('SIGTERM with no clients exits 0 promptly', async () => {
  const gw = await startGateway({ name: 'idle-shutdown', workers: 1 });
  gateways.push(gw);
  const t0 = Date.now();
  const code = await gw.stop();
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
});

test('SIGTERM while a Push API call waits for a client result: the call ends, the process exits 0', async () => {
  const gw = await startGateway({ name: 'shutdown-invoke', workers: 2 });
  gateways.push(gw);
  const conn = await connect(gw.hubUrl('/hubs/posts'));
  open.push(conn);
  const asked = deferred();
  // A client whose handler never answers: the wait can only end with the connection.
  conn.on('NeverAnswers', () => {
    asked.resolve();
    return new Promise(() => {});
  });
  const connectionId = conn.connectionId;  // the client forgets it once closed
  const waiting = gw.grpcClient.invokeClient({
    hub: 'posts',
    connectionId,
    method: 'NeverAnswers',
    timeoutMs: 120000,
  });
  const outcome = waiting.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );
  await withTimeout(asked.promise, 5000, 'the client received the invocation');
  const code = await gw.stop();
  assert.equal(code, 0);
  const { error } = await withTimeout(outcome, 5000, 'the InvokeClient call ended');
  assert.ok(error, 'the call must fail: the connection closed before answering');
  assert.equal(error.code, 14, `code ${error.code}: ${error.details}`);
  assert.equal(error.details, `Connection '${connectionId}' disconnected.`);
});
