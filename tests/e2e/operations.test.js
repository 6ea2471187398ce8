'use strict';
// Operations: Prometheus metrics after a scripted session, the admin probes and gRPC health
// during a drain, a graceful drain of 1,000 clients, `--check-config`, JSON logs without secrets.

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { startGatewayWithTestBackend } = require('./lib/test_backend');
const { eventually } = require('./lib/hub_handler');
const { adminGet, scrape, grpcHealth } = require('./lib/admin');
const {
  connect,
  stopAll,
  waitFor,
  negotiate,
  rawConnectNegotiated,
  rawHubClient,
  RawClient,
  mintToken,
  errorOf,
  withTimeout,
} = require('./lib/clients');

const SECRET = 'operations-test-secret-0123456789abcdef';
const GATEWAY_BIN =
  process.env.HUBGATE_BIN ||
  path.join(__dirname, '..', '..', 'build', 'release', 'gateway', 'hubgate');

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

const WS = { transport: 'websockets' };

test('metrics: counts match a scripted session', async () => {
  const { backend, gw } = await startGatewayWithTestBackend({
    config: { auth: { hs256_secret: SECRET } },
    hubs: [
      { name: 'methods', keep_alive_interval: '5m', client_timeout: '10m' },
      { name: 'secure', require_auth: true, backend_target: '' },
      { name: 'tiny', backend_target: '', max_queued_bytes: 65536 },
    ],
  });
  cleanups.push(() => backend.stop(), () => gw.stop());

  // The admin endpoint itself.
  const health = await adminGet(gw, '/healthz');
  assert.equal(health.status, 200);
  const initial = await scrape(gw);
  assert.match(initial.contentType, /^text\/plain; version=0\.0\.4/);
  assert.equal(initial.value('hubgate_build_info', { version: '0.1.0' }), 1);
  assert.equal((await adminGet(gw, '/nope')).status, 404);

  // Three official clients (each negotiates first).
  const clients = [];
  for (let i = 0; i < 3; i += 1) clients.push(await connect(gw.hubUrl('/hubs/methods')));
  cleanups.push(() => stopAll(clients));
  const labels = { hub: 'methods', ...WS, protocol: 'json' };
  let m = await scrape(gw);
  assert.equal(m.value('hubgate_connections', labels), 3);
  assert.equal(m.value('hubgate_connects_total', labels), 3);
  assert.equal(m.value('hubgate_negotiations_total', { hub: 'methods' }), 3);
  const sentBefore = m.value('hubgate_messages_sent_total', { hub: 'methods', ...WS });
  assert.equal(sentBefore, 3, 'one handshake response per client');

  // Pushes: to a group of two, to everyone, to two connections: 2 + 3 + 2 = 7 deliveries.
  const [a, b, c] = clients;
  for (const conn of [a, b]) {
    await gw.grpcClient.addToGroup({ hub: 'methods', connectionId: conn.connectionId, group: 'g' });
  }
  const received = clients.map((conn) => waitFor(conn, 'Note'));
  await gw.grpcClient.send({ hub: 'methods', method: 'Note', group: { group: 'g' }, argumentsJson: '[1]' });
  await gw.grpcClient.send({ hub: 'methods', method: 'Note', all: {}, argumentsJson: '[2]' });
  await gw.grpcClient.send({
    hub: 'methods',
    method: 'Note',
    connections: { connectionIds: [a.connectionId, c.connectionId] },
    argumentsJson: '[3]',
  });
  await Promise.all(received);
  m = await eventually(async () => {
    const now = await scrape(gw);
    assert.equal(now.value('hubgate_messages_sent_total', { hub: 'methods', ...WS }), 3 + 7);
    return now;
  }, { what: '7 more messages counted as sent' });
  assert.equal(m.value('hubgate_pushes_total', { hub: 'methods', target: 'group' }), 1);
  assert.equal(m.value('hubgate_pushes_total', { hub: 'methods', target: 'all' }), 1);
  assert.equal(m.value('hubgate_pushes_total', { hub: 'methods', target: 'connections' }), 1);
  assert.ok(m.value('hubgate_sent_bytes_total', { hub: 'methods', ...WS }) > 0);

  // Hub method calls: one of each outcome.
  assert.equal(await a.invoke('Echo', 'x'), 'x');
  await errorOf(a.invoke('Fail', 'no'));
  await errorOf(a.invoke('Crash'));
  await errorOf(a.invoke('NoSuchMethod'));
  m = await scrape(gw);
  const inv = (method, outcome) =>
    m.value('hubgate_invocations_total', { hub: 'methods', method, outcome });
  assert.equal(inv('Echo', 'ok'), 1);
  assert.equal(inv('Fail', 'hub_error'), 1);
  assert.equal(inv('Crash', 'failure'), 1);
  assert.equal(inv('', 'unknown_method'), 1);
  assert.equal(
    m.value('hubgate_backend_call_duration_seconds_count', { hub: 'methods', call: 'invoke', method: 'Echo' }),
    1,
  );
  assert.equal(
    m.value('hubgate_backend_call_duration_seconds_count', { hub: 'methods', call: 'connect', method: '' }),
    3,
  );
  // Messages received: handshake + 4 invocations from `a` at least (clients also ping).
  assert.ok(m.value('hubgate_messages_received_total', { hub: 'methods', ...WS }) >= 3 + 4);

  // Authentication failures on the secure hub: no token, a bad token; a good one passes.
  assert.equal((await negotiate(gw.hubUrl('/hubs/secure'))).status, 401);
  assert.equal((await negotiate(gw.hubUrl('/hubs/secure'), { token: 'not.a.jwt' })).status, 401);
  assert.equal(
    (await negotiate(gw.hubUrl('/hubs/secure'), { token: mintToken('u1', SECRET) })).status,
    200,
  );
  // A failed handshake (unknown protocol).
  const raw = await rawConnectNegotiated(gw.hubUrl('/hubs/methods'));
  const answer = await raw.handshake('nope', 1);
  assert.match(answer.error, /nope/);
  await raw.closed();

  // A clean client close.
  await c.stop();
  m = await eventually(async () => {
    const now = await scrape(gw);
    assert.equal(now.value('hubgate_disconnects_total', { hub: 'methods', reason: 'client_closed' }), 1);
    assert.equal(
      now.value('hubgate_handshake_failures_total', { hub: 'methods', ...WS, reason: 'handshake_failed' }),
      1,
    );
    return now;
  }, { what: 'the disconnect and the handshake failure counted' });
  assert.equal(m.value('hubgate_connections', labels), 2);
  assert.equal(m.value('hubgate_auth_failures_total', { hub: 'secure', reason: 'missing_token' }), 1);
  assert.equal(m.value('hubgate_auth_failures_total', { hub: 'secure', reason: 'invalid_token' }), 1);
  assert.equal(m.value('hubgate_negotiations_total', { hub: 'secure' }), 1);

  // A slow consumer on the hub with a 64 KiB send queue: overflow closes it.
  const slow = await rawHubClient(gw.hubUrl('/hubs/tiny'));
  cleanups.push(async () => slow.close());
  slow.pause();
  const big = JSON.stringify(['x'.repeat(200 * 1024)]);
  for (let i = 0; i < 80; i += 1) {
    await gw.grpcClient.send({ hub: 'tiny', method: 'Big', all: {}, argumentsJson: big });
    const now = await scrape(gw);
    if (now.value('hubgate_send_queue_overflows_total', { hub: 'tiny', ...WS }) >= 1) break;
  }
  // The connection ends once its close gives up on the paused peer (a stuck write ends after
  // 10 s), and is then counted as a slow-consumer disconnect.
  m = await eventually(async () => {
    const now = await scrape(gw);
    assert.equal(now.value('hubgate_disconnects_total', { hub: 'tiny', reason: 'slow_consumer' }), 1);
    return now;
  }, { timeoutMs: 30000, intervalMs: 500, what: 'the slow consumer counted as disconnected' });
  assert.ok(m.value('hubgate_send_queue_overflows_total', { hub: 'tiny', ...WS }) >= 1);
  assert.equal(m.value('hubgate_connections', { hub: 'tiny', ...WS, protocol: 'json' }), 0);

  // No connection or user ids in any label.
  for (const conn of clients) assert.ok(!m.text.includes(conn.connectionId));
  assert.ok(!m.text.includes('u1'));
});

test('drain: readiness and gRPC health turn false, new connections are refused, exit 0', async () => {
  const gw = await startGateway({
    name: 'probes',
    config: { shutdown: { drain_window: '3s', deadline: '8s' } },
  });
  cleanups.push(() => gw.stop());
  const clients = [];
  for (let i = 0; i < 30; i += 1) clients.push(await rawHubClient(gw.hubUrl('/hubs/posts')));
  cleanups.push(async () => clients.forEach((c) => c.close()));

  assert.equal((await adminGet(gw, '/readyz')).status, 200);
  assert.equal((await adminGet(gw, '/healthz')).status, 200);
  assert.equal(await grpcHealth(gw), 'SERVING');

  gw.process.kill('SIGTERM');
  await gw.waitForLog(/draining: Close frames spread over 3000 ms/);
  const ready = await adminGet(gw, '/readyz');
  assert.equal(ready.status, 503);
  assert.equal(ready.body, 'not ready\n');
  assert.equal((await adminGet(gw, '/healthz')).status, 200, 'still alive while draining');
  assert.equal(await grpcHealth(gw), 'NOT_SERVING');
  // The Closes are spread over the window, so some clients are still connected here...
  assert.ok(clients.some((client) => client.isOpen()), 'some connections still open');
  // ...but new connections are refused.
  const refused = await errorOf(RawClient.connect(gw.hubUrl('/hubs/posts'), { timeoutMs: 3000 }));
  assert.match(refused, /ECONNREFUSED/);

  const { code } = await gw.exited;
  assert.equal(code, 0);
  for (const client of clients) {
    assert.deepEqual(client.received.filter((msg) => msg.type !== 6).at(-1), {
      type: 7,
      allowReconnect: true,
    });
  }
});

test('drain of 1,000 clients: each gets Close(allowReconnect), spread over the window; calls in flight finish; exit 0 before the deadline', async () => {
  const { backend, gw } = await startGatewayWithTestBackend({
    config: { shutdown: { drain_window: '2s', deadline: '10s' } },
    hubs: [{ name: 'methods' }, { name: 'crowd', backend_target: '' }],
  });
  cleanups.push(() => backend.stop(), () => gw.stop());

  const closeTimes = [];
  const clients = [];
  const BATCH = 50;
  for (let i = 0; i < 1000; i += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: BATCH }, () => rawHubClient(gw.hubUrl('/hubs/crowd'))),
    );
    clients.push(...batch);
  }
  cleanups.push(async () => clients.forEach((c) => c.close()));
  const r = await gw.grpcClient.send({ hub: 'crowd', method: 'Live', all: {} });
  assert.equal(r.queuedConnections, '1000');
  for (const client of clients) assert.equal((await client.nextNonPing()).target, 'Live');
  const closes = clients.map((client) =>
    client.nextNonPing({ timeoutMs: 15000, what: 'Close on drain' }).then((msg) => {
      closeTimes.push(Date.now());
      return msg;
    }),
  );

  // A hub method call in flight when the signal arrives completes before its Close.
  const caller = await connect(gw.hubUrl('/hubs/methods'));
  cleanups.push(() => caller.stop());
  const result = caller.invoke('Delay', 'finished', 1500);
  await backend.waitFor((e) => e.type === 'invoke' && e.method === 'Delay');

  const signalled = Date.now();
  gw.process.kill('SIGTERM');
  assert.equal(await withTimeout(result, 10000, 'Delay result'), 'finished');
  const closeError = await caller.closed;
  assert.equal(closeError, undefined, 'closed without an error');

  const messages = await Promise.all(closes);
  for (const msg of messages) assert.deepEqual(msg, { type: 7, allowReconnect: true });
  const { code } = await gw.exited;
  const elapsed = Date.now() - signalled;
  assert.equal(code, 0);
  assert.ok(elapsed < 10000, `exited ${elapsed} ms after SIGTERM (deadline 10 s)`);
  // Spread: the Closes did not all arrive at once.
  const spread = Math.max(...closeTimes) - Math.min(...closeTimes);
  assert.ok(spread >= 1000, `Closes arrived within ${spread} ms (window 2 s)`);
  assert.match(gw.logs(), /closing \d+ connection\(s\) over 2000 ms/);
});

function runGateway(args, env = {}) {
  const childEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('HUBGATE_')) delete childEnv[key];
  return spawnSync(GATEWAY_BIN, args, { env: { ...childEnv, ...env }, encoding: 'utf8' });
}

test('--check-config FILE validates and names the offending key and line', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-check-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const good = path.join(dir, 'good.yaml');
  fs.writeFileSync(
    good,
    'admin:\n  listen: "127.0.0.1:9999"\nlog:\n  format: json\nshutdown:\n  drain_window: 5s\n  deadline: 20s\nhubs:\n  - name: a\n',
  );
  let run = runGateway(['--check-config', good]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /configuration OK: 1 hub/);
  run = runGateway([`--check-config=${good}`]);
  assert.equal(run.status, 0, run.stderr);

  const bad = path.join(dir, 'bad.yaml');
  fs.writeFileSync(bad, 'hubs:\n  - name: a\n    max_message_size: -5\n');
  run = runGateway(['--check-config', bad]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /hubs\[0\]\.max_message_size \(line 3\): expected a positive integer/);

  fs.writeFileSync(bad, 'log:\n  format: xml\n');
  run = runGateway(['--check-config', bad]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /log\.format \(line 2\): expected text or json/);

  fs.writeFileSync(bad, 'shutdown:\n  drain_window: 30s\n  deadline: 10s\n');
  run = runGateway(['--check-config', bad]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /shutdown\.drain_window: must be shorter than shutdown\.deadline/);

  fs.writeFileSync(bad, 'admin:\n  lisen: ":1"\n');
  run = runGateway(['--check-config', bad]);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /admin\.lisen \(line 2\): unknown key/);

  run = runGateway(['--check-config', good], { HUBGATE_SHUTDOWN_DEADLINE: 'soon' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /HUBGATE_SHUTDOWN_DEADLINE: expected a positive duration/);
  run = runGateway(['--check-config', good], { HUBGATE_ADMIN_LISTEN: 'nowhere' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /HUBGATE_ADMIN_LISTEN/);
});

test('--help prints the usage and every flag of the gateway', () => {
  const run = runGateway(['--help']);
  assert.notEqual(run.status, null, 'exits (abseil ends --help with status 1)');
  const out = run.stdout + run.stderr;
  assert.match(out, /Usage: hubgate \[--config=FILE\]/);
  assert.doesNotMatch(out, /No flags matched/);
  for (const flag of ['config', 'http_listen', 'grpc_listen', 'admin_listen', 'workers', 'check_config']) {
    assert.match(out, new RegExp(`--${flag} \\(`), `--${flag} is listed`);
  }
});

test('JSON logs: one object per line, and neither tokens nor secrets are written', async () => {
  const gw = await startGateway({
    name: 'jsonlog',
    logLevel: 'debug',
    config: {
      log: { format: 'json' },
      hubs: [{ name: 'secure', path: '/hubs/secure', require_auth: true }],
    },
    env: { HUBGATE_AUTH_HS256_SECRET: SECRET },
  });
  cleanups.push(() => gw.stop());
  const token = mintToken('json-user', SECRET);
  const client = await connect(gw.hubUrl('/hubs/secure'), { accessToken: token });
  // Over WebSockets the browser-style client sends the token in the query string as well.
  const raw = await rawHubClient(`${gw.hubUrl('/hubs/secure')}`, { token });
  raw.close();
  await errorOf(connect(gw.hubUrl('/hubs/secure'), { accessToken: `${token}x` }));
  await client.stop();
  await gw.waitForLog(/refused/);
  const code = await gw.stop();
  assert.equal(code, 0);

  const lines = gw.logs().split('\n').filter((line) => line.trim() !== '');
  assert.ok(lines.length > 5);
  for (const line of lines) {
    const entry = JSON.parse(line);
    assert.deepEqual(Object.keys(entry), ['time', 'level', 'thread', 'msg']);
  }
  const logs = gw.logs();
  assert.ok(!logs.includes(token.split('.')[2]), 'no token signature in the logs');
  assert.ok(!logs.includes(token.split('.')[1]), 'no token payload in the logs');
  assert.ok(!logs.includes(SECRET), 'no secret in the logs');
  assert.match(logs, /"msg":"negotiate on hub secure refused: invalid token signature"/);
});
