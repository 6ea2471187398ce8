'use strict';
// Stateful reconnect (opt-in per hub): the TCP connection is cut uncleanly while pushes continue;
// the official client reconnects with the same connection token, and every message arrives
// exactly once, in order, with group membership intact. Without it, the same cut loses the
// connection, as in ASP.NET Core.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { buildConnection, stopAll, withTimeout, negotiate, matrix, RawClient, waitFor } = require('./lib/clients');
const { rssKiB, reportRss } = require('./lib/memory');

let gw;
const open = [];

before(async () => {
  gw = await startGateway({
    name: 'stateful',
    config: {
      hubs: [
        { name: 'resume', path: '/hubs/resume', stateful_reconnect: true, disconnect_timeout: '10s' },
        { name: 'plain', path: '/hubs/plain' },
        // Small bounds so that a client that never acknowledges reaches them quickly.
        {
          name: 'unacked',
          path: '/hubs/unacked',
          stateful_reconnect: true,
          stateful_reconnect_buffer_size: 1000,
          max_queued_bytes: 4096,
        },
      ],
    },
  });
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
});

/** Destroys the client's TCP socket: no WebSocket close frame, no FIN handshake first. */
function cutTransport(connection) {
  const socket = connection.connection.transport._webSocket._socket;
  assert.ok(socket, 'the client runs on the ws package (Node)');
  socket.destroy();
}

/** Collects 'Seq' pushes; resolves `until(n)` once n have arrived. */
function sequenceCollector(connection) {
  const received = [];
  const waiters = [];
  connection.on('Seq', (n) => {
    received.push(n);
    for (const w of waiters.filter((x) => received.length >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    received,
    until: (n, ms = 20000) =>
      withTimeout(
        received.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve })),
        ms,
        `${n} Seq messages (have ${received.length})`,
      ),
  };
}

test('negotiate offers stateful reconnect only where configured and only when asked', async () => {
  const asked = await negotiate(gw.hubUrl('/hubs/resume'), { query: 'useStatefulReconnect=true' });
  assert.equal(asked.body.useStatefulReconnect, true);
  const notAsked = await negotiate(gw.hubUrl('/hubs/resume'));
  assert.equal(notAsked.body.useStatefulReconnect, undefined);
  const plain = await negotiate(gw.hubUrl('/hubs/plain'), { query: 'useStatefulReconnect=true' });
  assert.equal(plain.body.useStatefulReconnect, undefined);
});

test('an unclean cut while pushes continue: every message exactly once, in order; groups intact', async () => {
  const connection = buildConnection(gw.hubUrl('/hubs/resume'), {
    statefulReconnect: true,
    transport: 1, // WebSockets: stateful reconnect works on WebSockets only
    protocol: matrix.protocol,
  });
  const seq = sequenceCollector(connection);
  const closed = [];
  connection.onclose((error) => closed.push(error));
  await withTimeout(connection.start(), 10000, 'start');
  open.push(connection);
  const id = connection.connectionId;
  await gw.grpcClient.addToGroup({ hub: 'resume', connectionId: id, group: 'g' });

  const TOTAL = 300;
  const CUT_AT = 60;
  const sending = (async () => {
    for (let n = 1; n <= TOTAL; n += 1) {
      await gw.grpcClient.send({ hub: 'resume', method: 'Seq', group: { group: 'g' }, argumentsJson: `[${n}]` });
    }
  })();
  await seq.until(CUT_AT);
  cutTransport(connection);
  await gw.waitForLog(new RegExp(`connection ${id}: transport lost, kept for reconnect`));
  await gw.waitForLog(new RegExp(`connection ${id}: resumed`), 15000);
  await sending;
  await seq.until(TOTAL);
  assert.deepEqual(seq.received, Array.from({ length: TOTAL }, (_, i) => i + 1));
  assert.deepEqual(closed, [], 'the client never saw the connection close');
  assert.equal(connection.connectionId, id, 'the same logical connection');

  // Group membership survived: a group push after the reconnect reaches it once more.
  const r = await gw.grpcClient.send({ hub: 'resume', method: 'Seq', group: { group: 'g' }, argumentsJson: `[${TOTAL + 1}]` });
  assert.equal(r.queuedConnections, '1');
  await seq.until(TOTAL + 1);
  // Hub calls still work both ways after the resume.
  await connection.stop();
  assert.equal(closed.length, 1);
  assert.equal(closed[0], undefined, 'a clean stop after the resume');
});

test('a connection lost for longer than the reconnect window is gone for good', async () => {
  const short = await startGateway({
    name: 'stateful-short',
    config: {
      hubs: [{ name: 'resume', path: '/hubs/resume', stateful_reconnect: true, disconnect_timeout: '1s' }],
    },
  });
  try {
    const n = await negotiate(short.hubUrl('/hubs/resume'), { query: 'useStatefulReconnect=true' });
    assert.equal(n.body.useStatefulReconnect, true);
    const ws = new (require('ws'))(`${short.wsUrl}/hubs/resume?id=${n.body.connectionToken}`);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(`{"protocol":"json","version":2}\x1e`);
    await new Promise((resolve) => ws.once('message', resolve));
    ws._socket.destroy();
    await short.waitForLog(new RegExp(`connection ${n.body.connectionId}: transport lost, kept for reconnect`));
    await short.waitForLog(new RegExp(`connection ${n.body.connectionId} closed: reconnect window expired`), 10000);
    const r = await short.grpcClient.send({ hub: 'resume', method: 'X', connectionId: n.body.connectionId });
    assert.equal(r.queuedConnections, '0');
  } finally {
    await short.stop();
  }
});

test('without stateful reconnect the same cut loses the connection, as in ASP.NET Core', async () => {
  const connection = buildConnection(gw.hubUrl('/hubs/plain'), { transport: 1 });
  const closedWith = new Promise((resolve) => connection.onclose(resolve));
  await withTimeout(connection.start(), 10000, 'start');
  open.push(connection);
  const id = connection.connectionId;
  await gw.grpcClient.addToGroup({ hub: 'plain', connectionId: id, group: 'g' });
  cutTransport(connection);
  const error = await withTimeout(closedWith, 10000, 'onclose after the cut');
  assert.match(String(error), /WebSocket closed with status code: 1006/);
  await gw.waitForLog(new RegExp(`connection ${id} closed`));
  const r = await gw.grpcClient.send({ hub: 'plain', method: 'Seq', group: { group: 'g' }, argumentsJson: '[1]' });
  assert.equal(r.queuedConnections, '0', 'the group lost its member with the connection');
});

test('a client that never acknowledges is closed before client calls pile up; others are unaffected', async (t) => {
  const healthy = buildConnection(gw.hubUrl('/hubs/unacked'), { transport: 1 });
  await withTimeout(healthy.start(), 10000, 'healthy start');
  open.push(healthy);

  const n = await negotiate(gw.hubUrl('/hubs/unacked'), { query: 'useStatefulReconnect=true' });
  assert.equal(n.body.useStatefulReconnect, true);
  const hostile = await RawClient.connect(`${gw.hubUrl('/hubs/unacked')}?id=${n.body.connectionToken}`);
  assert.deepEqual(await hostile.handshake('json', 2), {});
  const before = rssKiB(gw);

  // Client calls are answered by nobody and acknowledged by nobody: each is kept for replay or
  // held back. Twice max_queued_bytes (8 KiB) of them is all the gateway holds.
  const calls = [];
  for (let i = 0; i < 300; i++) {
    calls.push(
      gw.grpcClient
        .invokeClient(
          { hub: 'unacked', connectionId: n.body.connectionId, method: 'Ask', argumentsJson: `["${'x'.repeat(40)}"]` },
          { timeoutMs: 30000 },
        )
        .then(
          () => 'answered',
          (err) => err.details || String(err),
        ),
    );
  }
  const close = await hostile.next({ filter: (m) => m.type === 7, timeoutMs: 15000, what: 'Close' });
  assert.equal(close.error, 'Connection closed with an error.');
  await hostile.closed(10000);
  const outcomes = await withTimeout(Promise.all(calls), 15000, 'the client calls end');
  assert.ok(!outcomes.includes('answered'));
  reportRss(t, 'never-acknowledging client with 300 client calls', before, rssKiB(gw));

  const pushed = waitFor(healthy, 'Still');
  await gw.grpcClient.send({ hub: 'unacked', method: 'Still', connectionId: healthy.connectionId, argumentsJson: '[1]' });
  assert.deepEqual(await pushed, [1]);
});
