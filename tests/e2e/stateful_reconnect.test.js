'use strict';
// Stateful reconnect (opt-in per hub): the TCP connection is cut uncleanly while pushes continue;
// the official client reconnects with the same connection token, and every message arrives
// exactly once, in order, with group membership intact. Without it, the same cut loses the
// connection, as in ASP.NET Core.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { buildConnection, stopAll, withTimeout, negotiate, matrix } = require('./lib/clients');

let gw;
const open = [];

before(async () => {
  gw = await startGateway({
    name: 'stateful',
    config: {
      hubs: [
        { name: 'resume', path: '/hubs/resume', stateful_reconnect: true, disconnect_timeout: '10s' },
        { name: 'plain', path: '/hubs/plain' },
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
