'use strict';
// Issue 11, item 9: the backend's OnConnected may already address the connection, as ASP.NET
// code does in OnConnectedAsync (`await Groups.AddToGroupAsync(Context.ConnectionId, ...)`,
// `await Clients.Caller.SendAsync(...)`): the Push API finds the connection while OnConnected
// runs, and what it sends reaches the client after the handshake answer, in order.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { test } = require('./lib/gateway');
const { buildConnection, stopAll, withTimeout, waitFor, collect } = require('./lib/clients');
const { startGatewayWithTestBackend } = require('./lib/test_backend');

let gw;
let backend;
const open = [];

before(async () => {
  ({ backend, gw } = await startGatewayWithTestBackend({ workers: 2, hubs: [{ name: 'greet' }] }));
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});

test('OnConnected adds the connection to a group and sends to it; the client gets both', async () => {
  const seenByBackend = [];
  backend.onConnectedHook = async (context) => {
    const id = context.connectionId;
    const added = await gw.grpcClient.addToGroup({ hub: 'greet', connectionId: id, group: 'room' });
    seenByBackend.push({ id, found: added.connectionFound });
    for (const n of [1, 2, 3]) {
      const sent = await gw.grpcClient.send({
        hub: 'greet',
        method: 'Welcome',
        argumentsJson: JSON.stringify([n]),
        connectionId: id,
      });
      seenByBackend.push({ id, queued: sent.queuedConnections });
    }
  };
  try {
    const conn = buildConnection(gw.hubUrl('/hubs/greet'));
    open.push(conn);
    const received = collect(conn, ['Welcome', 'RoomNote']);
    await withTimeout(conn.start(), 10000, 'start()');
    const id = conn.connectionId;
    assert.deepEqual(seenByBackend, [
      { id, found: true },
      { id, queued: '1' },
      { id, queued: '1' },
      { id, queued: '1' },
    ]);
    const note = waitFor(conn, 'RoomNote');
    const r = await gw.grpcClient.send({
      hub: 'greet',
      method: 'RoomNote',
      argumentsJson: '["in the room"]',
      group: { group: 'room' },
    });
    assert.equal(r.queuedConnections, '1');
    assert.deepEqual(await note, ['in the room']);
    assert.deepEqual(
      received.events.map((m) => [m.method, ...m.args]),
      [['Welcome', 1], ['Welcome', 2], ['Welcome', 3], ['RoomNote', 'in the room']],
    );
  } finally {
    backend.onConnectedHook = undefined;
  }
});

test('a connection the backend rejects after joining a group is not left in the group', async () => {
  backend.onConnectedHook = async (context) => {
    await gw.grpcClient.addToGroup({ hub: 'greet', connectionId: context.connectionId, group: 'doomed' });
    await gw.grpcClient.send({
      hub: 'greet', method: 'Welcome', argumentsJson: '[0]', connectionId: context.connectionId,
    });
  };
  try {
    const conn = buildConnection(gw.hubUrl('/hubs/greet?reject=1'));
    let error;
    try {
      await withTimeout(conn.start(), 10000, 'start()');
    } catch (err) {
      error = err;
    }
    assert.ok(error, 'start() must fail');
    assert.equal(error.message, 'Server returned handshake error: Rejected by test backend.');
    await backend.waitFor((e) => e.type === 'connected' && e.outcome === 'rejected');
    const r = await gw.grpcClient.send({
      hub: 'greet', method: 'X', argumentsJson: '[]', group: { group: 'doomed' },
    });
    assert.equal(r.queuedConnections, '0');
  } finally {
    backend.onConnectedHook = undefined;
  }
});
