'use strict';
// Slow consumers: a raw client that stops reading must not slow down pushes or the other
// clients; with policy "close" it is eventually closed, with "drop" it loses messages but stays.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, collect, stopAll, rawHubClient, withTimeout } = require('./lib/clients');

// 200 x 100 KB = 20 MB per test: far more than the per-connection queue (1 MiB, the default)
// plus what the kernel socket buffers of a paused loopback connection can hold. The queue is big
// enough that the healthy client, which reads as fast as Node parses, never falls that far behind
// even on a loaded machine.
const MESSAGES = 200;
const PAYLOAD = 'p'.repeat(100 * 1024);

let gw;
const open = [];

before(async () => {
  gw = await startGateway({
    workers: 2,
    config: {
      hubs: [
        { name: 'closing', path: '/hubs/closing', max_queued_bytes: 1048576, slow_consumer_policy: 'close' },
        { name: 'dropping', path: '/hubs/dropping', max_queued_bytes: 1048576, slow_consumer_policy: 'drop' },
        { name: 'small', path: '/hubs/small', max_queued_bytes: 65536, slow_consumer_policy: 'close' },
      ],
    },
  });
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
});

/**
 * Pushes MESSAGES large messages to all, one after the other. Each Send must complete (within
 * its 5 s deadline) although one recipient is not reading: a stalled publish would time out.
 * The latencies are reported as diagnostics only; speed is measured by the benchmarks.
 */
async function flood(hub) {
  const latencies = [];
  const counts = [];
  for (let i = 0; i < MESSAGES; i += 1) {
    const t0 = Date.now();
    const r = await gw.grpcClient.send(
      { hub, method: 'Big', argumentsJson: JSON.stringify([i, PAYLOAD]), all: {} },
      { timeoutMs: 5000 },
    );
    latencies.push(Date.now() - t0);
    counts.push(Number(r.queuedConnections));
  }
  return { latencies, counts };
}

/** Raw messages of method Big received by `client`, as their sequence numbers. */
function bigSequence(client) {
  return client.received.filter((m) => m.type === 1 && m.target === 'Big').map((m) => m.arguments[0]);
}

test('policy close: pushes stay fast, the healthy client gets everything in order, the paused one is closed', async (t) => {
  const healthy = await connect(gw.hubUrl('/hubs/closing'));
  open.push(healthy);
  const healthyLog = collect(healthy, ['Big']);
  const slow = await rawHubClient(gw.hubUrl('/hubs/closing'));
  open.push(slow);
  slow.pause(); // stop reading: the server's writes pile up

  const t0 = Date.now();
  const { latencies, counts } = await flood('closing');
  const total = Date.now() - t0;
  const worst = Math.max(...latencies);
  assert.equal(counts[0], 2);
  // The slow connection is counted until it is gone, the healthy one always.
  assert.ok(counts.every((c) => c === 1 || c === 2), `queued counts: ${counts.join(',')}`);

  await healthyLog.waitForCount('Big', MESSAGES, 20000);
  const sequence = healthyLog.of('Big').map((args) => args[0]);
  assert.deepEqual(sequence, Array.from({ length: MESSAGES }, (_, i) => i));
  assert.ok(healthyLog.of('Big').every((args) => args[1] === PAYLOAD));
  assert.equal(healthy.state, 'Connected');

  // Let the slow client read again: it sees a prefix of the messages, then the end.
  slow.resume();
  const closed = await slow.closed(20000);
  const got = bigSequence(slow);
  assert.ok(got.length < MESSAGES, `slow client received all ${got.length} messages`);
  assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => i), 'a gap-free prefix');
  const close = slow.received.find((m) => m.type === 7);
  t.diagnostic(
    `slowest send ${worst} ms, total ${total} ms; slow client got ${got.length} messages, ` +
      `close ${JSON.stringify(close)}, socket close code ${closed.code}`,
  );
  if (close) {
    // Closed by the queue bound: a Close message allowing reconnect, then close 1000.
    assert.equal(close.error, 'Connection closed with an error.');
    assert.equal(close.allowReconnect, true);
    assert.equal(closed.code, 1000);
  } else {
    // Closed by the send timeout: the socket was aborted.
    assert.notEqual(closed.code, 1000, `closed normally (${closed.code}) without a Close message`);
  }
  await gw.waitForLog(new RegExp(`connection ${slow.connectionId} closed`), 10000);
});

test('policy drop: the paused client loses messages but stays connected', async (t) => {
  const healthy = await connect(gw.hubUrl('/hubs/dropping'));
  open.push(healthy);
  const healthyLog = collect(healthy, ['Big', 'End']);
  const slow = await rawHubClient(gw.hubUrl('/hubs/dropping'));
  open.push(slow);
  slow.pause();

  const { latencies, counts } = await flood('dropping');
  // Read again before the 10 s send timeout could abort the stuck connection.
  slow.resume();
  const worst = Math.max(...latencies);
  t.diagnostic(`slowest send ${worst} ms`);
  // Dropping keeps the connection, so it is still counted as a recipient.
  assert.ok(counts.every((c) => c === 2), `queued counts: ${counts.join(',')}`);

  await healthyLog.waitForCount('Big', MESSAGES, 20000);
  assert.deepEqual(
    healthyLog.of('Big').map((args) => args[0]),
    Array.from({ length: MESSAGES }, (_, i) => i),
  );

  // An invocation's Completion is queued behind everything already queued (control frames are
  // not bounded): once it arrives, the server's queue for the slow client has drained.
  slow.send({ type: 1, invocationId: 'drain', target: 'Drain', arguments: [] });
  await slow.next({
    filter: (m) => m.type === 3 && m.invocationId === 'drain',
    timeoutMs: 20000,
    what: 'Completion of the drain probe',
  });
  const r = await gw.grpcClient.send({ hub: 'dropping', method: 'End', all: {} });
  assert.equal(r.queuedConnections, '2');
  await withTimeout(
    slow.next({ filter: (m) => m.type === 1 && m.target === 'End', timeoutMs: 20000, what: 'End' }),
    20000,
    'End at the slow client',
  );
  const got = bigSequence(slow);
  t.diagnostic(`slowest send ${worst} ms; slow client got ${got.length} of ${MESSAGES}`);
  assert.ok(got.length < MESSAGES, `nothing was dropped (${got.length})`);
  assert.ok(got.length > 0);
  for (let i = 1; i < got.length; i += 1) {
    assert.ok(got[i] > got[i - 1], `out of order at ${i}: ${got[i - 1]} then ${got[i]}`);
  }
  assert.equal(slow.isOpen(), true);
  assert.equal(slow.received.some((m) => m.type === 7), false, 'no Close message');
  await healthyLog.waitForCount('End', 1);
});

test('a push larger than the queue bound goes into an empty queue: delivered, nobody closed', async () => {
  // 1.5 MiB against a 64 KiB bound: refused as overflow, this would close every recipient.
  const clients = [];
  const logs = [];
  for (let i = 0; i < 3; i += 1) {
    const c = await connect(gw.hubUrl('/hubs/small'));
    open.push(c);
    clients.push(c);
    logs.push(collect(c, ['Huge', 'After']));
  }
  const huge = 'h'.repeat(1536 * 1024);
  let r = await gw.grpcClient.send({ hub: 'small', method: 'Huge', argumentsJson: JSON.stringify([huge]), all: {} });
  assert.equal(r.queuedConnections, '3');
  // Until it is written the big frame fills the queue, and a push behind it would overflow (the
  // bound is the bound): the next push goes once every client has it.
  for (const log of logs) await log.waitForCount('Huge', 1, 20000);
  r = await gw.grpcClient.send({ hub: 'small', method: 'After', argumentsJson: '[1]', all: {} });
  assert.equal(r.queuedConnections, '3');
  for (const log of logs) {
    await log.waitForCount('After', 1, 20000);
    assert.equal(log.of('Huge').length, 1);
    assert.equal(log.of('Huge')[0][0].length, huge.length);
  }
  for (const c of clients) assert.equal(c.state, 'Connected');
});
