'use strict';
// Keep-alive and timeouts: server pings, handshake timeout, client timeout, and an idle
// connection with the default timings surviving 60 s (the waits are the subject here).

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, waitFor, stopAll, RawClient, rawHubClient } = require('./lib/clients');

let defaults; // default timings
let fast; // short timings, one hub per subject
const open = [];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  [defaults, fast] = await Promise.all([
    startGateway({ name: 'defaults', workers: 2 }),
    startGateway({
      name: 'fast',
      // One worker: every connection is ticked by the same timer (see the client-timeout test).
      workers: 1,
      config: {
        hubs: [
          { name: 'ping', path: '/hubs/ping', keep_alive_interval: '1s' },
          { name: 'hs', path: '/hubs/hs', handshake_timeout: '1s' },
          { name: 'ct', path: '/hubs/ct', client_timeout: '2s' },
        ],
      },
    }),
  ]);
});

after(async () => {
  await stopAll(open);
  await Promise.all([defaults && defaults.stop(), fast && fast.stop()]);
});

test('an idle connection with the default timings survives 60 s and still receives a push', async () => {
  const conn = await connect(defaults.hubUrl('/hubs/posts'));
  open.push(conn);
  const startedAt = Date.now();
  // Idle for 60 s: longer than the client's 30 s server timeout and the server's 30 s client
  // timeout, so both sides' pings (every 15 s) must be working.
  await sleep(60000);
  assert.equal(conn.closedWith, undefined, `closed after ${Date.now() - startedAt} ms`);
  assert.equal(conn.state, 'Connected');
  const got = waitFor(conn, 'AfterIdle');
  const r = await defaults.grpcClient.send({
    hub: 'posts',
    method: 'AfterIdle',
    argumentsJson: '["still here"]',
    connectionId: conn.connectionId,
  });
  assert.equal(r.queuedConnections, '1');
  assert.deepEqual(await got, ['still here']);
});

test('keep_alive_interval 1s: a silent raw client receives {"type":6} pings about every second', async (t) => {
  const client = await rawHubClient(fast.hubUrl('/hubs/ping'));
  open.push(client);
  const t0 = Date.now();
  const first = await client.next({ timeoutMs: 4000, what: 'first ping' });
  const t1 = Date.now();
  const second = await client.next({ timeoutMs: 4000, what: 'second ping' });
  const t2 = Date.now();
  const third = await client.next({ timeoutMs: 4000, what: 'third ping' });
  const t3 = Date.now();
  t.diagnostic(`first ping after ${t1 - t0} ms, then gaps of ${t2 - t1} ms and ${t3 - t2} ms`);
  for (const m of [first, second, third]) assert.deepEqual(m, { type: 6 });
  // The interval is checked on a ~1 s tick: allow 0.5 s .. 2.5 s between pings.
  for (const gap of [t2 - t1, t3 - t2]) {
    assert.ok(gap >= 500 && gap <= 2500, `gap between pings ${gap} ms`);
  }
  assert.ok(t1 - t0 <= 2500, `first ping after ${t1 - t0} ms`);
  assert.equal(client.isOpen(), true);
});

test('keep_alive_interval 1s: the official client stays connected and receives pushes', async () => {
  const conn = await connect(fast.hubUrl('/hubs/ping'));
  open.push(conn);
  const got = waitFor(conn, 'Tick');
  await fast.grpcClient.send({ hub: 'ping', method: 'Tick', connectionId: conn.connectionId });
  await got;
  assert.equal(conn.state, 'Connected');
});

test('handshake_timeout 1s: a raw client that sends nothing gets "Handshake was canceled." then close', async () => {
  const t0 = Date.now();
  const client = await RawClient.connect(fast.hubUrl('/hubs/hs'));
  open.push(client);
  const m = await client.next({ timeoutMs: 5000, what: 'handshake error' });
  const elapsed = Date.now() - t0;
  assert.deepEqual(m, { error: 'Handshake was canceled.' });
  assert.ok(elapsed >= 900, `handshake canceled after only ${elapsed} ms`);
  const closed = await client.closed(5000);
  assert.equal(closed.code, 1000);
  // Nothing but the error was sent.
  assert.deepEqual(client.received, [{ error: 'Handshake was canceled.' }]);
});

test('handshake_timeout 1s: a prompt handshake is not affected', async () => {
  const client = await rawHubClient(fast.hubUrl('/hubs/hs'));
  open.push(client);
  // Still open well after the handshake timeout: push to it after 2 s.
  await sleep(2000);
  await fast.grpcClient.send({ hub: 'hs', method: 'Ok', connectionId: client.connectionId });
  assert.equal((await client.nextNonPing()).target, 'Ok');
});

test('client_timeout 2s: a client that pinged once then went silent gets Close(error, allowReconnect)', async () => {
  // A client that never pings: the timeout is only armed by the first Ping (as in .NET).
  const quiet = await rawHubClient(fast.hubUrl('/hubs/ct'));
  open.push(quiet);
  const pinger = await rawHubClient(fast.hubUrl('/hubs/ct'));
  open.push(pinger);
  const t0 = Date.now();
  pinger.send({ type: 6 });
  const close = await pinger.nextNonPing({ timeoutMs: 8000, what: 'Close after client timeout' });
  const elapsed = Date.now() - t0;
  assert.deepEqual(close, {
    type: 7,
    error: 'Connection closed with an error.',
    allowReconnect: true,
  });
  assert.ok(elapsed >= 1500, `closed after only ${elapsed} ms`);
  const closed = await pinger.closed(5000);
  assert.equal(closed.code, 1000);

  // The quiet client has been silent for longer than the pinger, on the same worker tick,
  // yet it is still connected: a push reaches it and nothing else arrived.
  const r = await fast.grpcClient.send({ hub: 'ct', method: 'Quiet', connectionId: quiet.connectionId });
  assert.equal(r.queuedConnections, '1');
  assert.deepEqual(await quiet.nextNonPing(), { type: 1, target: 'Quiet', arguments: [] });
  assert.equal(quiet.isOpen(), true);
});

test('client_timeout 2s: a client that keeps sending pings stays connected', async () => {
  const client = await rawHubClient(fast.hubUrl('/hubs/ct'));
  open.push(client);
  client.send({ type: 6 });
  // Ping every 500 ms for 4 s (twice the timeout).
  for (let i = 0; i < 8; i += 1) {
    await sleep(500);
    client.send({ type: 6 });
  }
  await fast.grpcClient.send({ hub: 'ct', method: 'Alive', connectionId: client.connectionId });
  assert.deepEqual(await client.nextNonPing(), { type: 1, target: 'Alive', arguments: [] });
});
