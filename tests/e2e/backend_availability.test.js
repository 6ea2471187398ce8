'use strict';
// Issue 11, item 14: backends coming and going. The gateway describes a backend in the
// background (at start-up and after a call found it UNAVAILABLE) without waiting for client
// calls; each hub chooses whether connections are refused or accepted while its backend is
// unavailable; failed backend calls are logged at warning level with hub, call, method, status
// and latency, at most one line per hub per backend_failure_log_interval.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { buildConnection, connect, stopAll, subscribeStream, waitFor, withTimeout, errorOf, startError } =
  require('./lib/clients');
const {
  startTestBackend,
  METHODS,
  MORPH_AS_INVOKE,
  MORPH_AS_STREAM,
} = require('./lib/test_backend');
const { freePort, waitForDescription } = require('./lib/hub_handler');
const { scrape } = require('./lib/admin');

const INVOKE_ERROR = (m) => `An unexpected error occurred invoking '${m}' on the server.`;
const HANDSHAKE_ERROR =
  'Server returned handshake error: An unexpected error occurred during connection handshake.';

let gw;
let downPort; // hubs "refusing" and "accepting": nothing listens here at first
let morphPort;
const backends = [];
const open = [];

before(async () => {
  downPort = await freePort();
  morphPort = await freePort();
  backends.push(await startTestBackend({ port: morphPort, methods: [...METHODS, MORPH_AS_INVOKE] }));
  gw = await startGateway({
    workers: 2,
    config: {
      hubs: [
        { name: 'refusing', backend_target: `127.0.0.1:${downPort}`, backend_deadline: '2s' },
        {
          name: 'accepting',
          backend_target: `127.0.0.1:${downPort}`,
          backend_deadline: '2s',
          on_backend_unavailable: 'accept',
          backend_failure_log_interval: '10m',
        },
        { name: 'morph', backend_target: `127.0.0.1:${morphPort}`, backend_deadline: '2s' },
      ],
    },
  });
  await waitForDescription(gw, 'morph');
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
  for (const b of backends) await b.stop();
});


test('backend unavailable: the default hub refuses connections', async () => {
  assert.equal(await startError(buildConnection(gw.hubUrl('/hubs/refusing'))), HANDSHAKE_ERROR);
  const metrics = await scrape(gw);
  assert.ok(metrics.value('hubgate_backend_connect_failures_total', { hub: 'refusing' }) >= 1);
});

test('backend unavailable: on_backend_unavailable accept lets clients in; calls fail, pushes arrive', async () => {
  const conn = await connect(gw.hubUrl('/hubs/accepting'));
  open.push(conn);
  assert.equal(await errorOf(conn.invoke('Echo', 'x')), INVOKE_ERROR('Echo'));
  const pushed = waitFor(conn, 'Notice');
  const r = await gw.grpcClient.send({
    hub: 'accepting', method: 'Notice', argumentsJson: '["still here"]', connectionId: conn.connectionId,
  });
  assert.equal(r.queuedConnections, '1');
  assert.deepEqual(await pushed, ['still here']);
});

test('failed backend calls: one warning line per interval with hub, call, method, status, latency', async () => {
  const conn = await connect(gw.hubUrl('/hubs/accepting'));
  open.push(conn);
  const before = (await scrape(gw)).value('hubgate_backend_failure_logs_suppressed_total', {
    hub: 'accepting',
  });
  for (let i = 0; i < 5; i += 1) {
    assert.equal(await errorOf(conn.invoke('Echo', i)), INVOKE_ERROR('Echo'));
  }
  // Each failure is reported before the client gets its error; the log pipe may lag behind the
  // WebSocket, so wait for the first line (extra lines could only be missed, never invented).
  await gw.waitForLog(/hub 'accepting': backend call failed[^\n]*/);
  const lines = gw.logs().split('\n').filter((l) => l.includes("hub 'accepting': backend call failed"));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /\[warning\]|warn/);
  assert.match(lines[0], /call=connect method='' status=UNAVAILABLE: .* latency_ms=\d+/);
  const after = (await scrape(gw)).value('hubgate_backend_failure_logs_suppressed_total', {
    hub: 'accepting',
  });
  // The five invokes (this connection's failed OnConnected was counted before `before`).
  assert.equal(after - before, 5);
});

test('a backend that comes up is described in the background, without client calls', async () => {
  const b = await startTestBackend({ port: downPort });
  backends.push(b);
  await waitForDescription(gw, 'refusing', 15000);
  await waitForDescription(gw, 'accepting', 15000);
  const conn = await connect(gw.hubUrl('/hubs/refusing'));
  open.push(conn);
  assert.equal(await conn.invoke('Echo', 'up'), 'up');
});

test('a call that finds the backend UNAVAILABLE makes the gateway describe it again', async () => {
  const conn = await connect(gw.hubUrl('/hubs/morph'));
  open.push(conn);
  assert.equal(await conn.invoke('Morph'), 'invoke');

  await backends[0].stop();
  assert.equal(await errorOf(conn.invoke('Echo', 'down')), INVOKE_ERROR('Echo'));
  // Redeployed: Morph is now a stream method (and the description one method longer).
  const v2 = await startTestBackend({
    port: morphPort,
    methods: [...METHODS, MORPH_AS_STREAM, { name: 'Extra', kind: 'KIND_INVOKE' }],
  });
  backends.push(v2);
  await gw.waitForLog(
    new RegExp(`hub 'morph': backend \\S+ describes ${METHODS.length + 2} method`),
    15000,
  );
  const { items, error } = await subscribeStream(conn.stream('Morph', 'a', 'b')).ended();
  assert.deepEqual({ items, error }, { items: ['a', 'b'], error: undefined });
});
