'use strict';
// Group membership through the Push API: AddToGroup / RemoveFromGroup and what a group send
// reaches afterwards. Absence is proven with a later message to the same connection (ordered
// delivery), never with a sleep.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, collect, stopAll, withTimeout } = require('./lib/clients');

let gw;
let alpha;
let beta;
let elsewhere; // a connection of hub "other"
let alphaLog;
let betaLog;
let seq = 0;

before(async () => {
  gw = await startGateway({
    workers: 2,
    config: {
      hubs: [
        { name: 'posts', path: '/hubs/posts' },
        { name: 'other', path: '/hubs/other' },
      ],
    },
  });
  alpha = await connect(gw.hubUrl('/hubs/posts'));
  beta = await connect(gw.hubUrl('/hubs/posts'));
  elsewhere = await connect(gw.hubUrl('/hubs/other'));
  alphaLog = collect(alpha, ['G', 'Fence']);
  betaLog = collect(beta, ['G', 'Fence']);
});

after(async () => {
  await stopAll([alpha, beta, elsewhere]);
  if (gw) await gw.stop();
});

const add = (connectionId, group, hub = 'posts') =>
  gw.grpcClient.addToGroup({ hub, connectionId, group });
const remove = (connectionId, group, hub = 'posts') =>
  gw.grpcClient.removeFromGroup({ hub, connectionId, group });
const sendToGroup = (group, value, hub = 'posts') =>
  gw.grpcClient.send({ hub, method: 'G', argumentsJson: JSON.stringify([value]), group: { group } });

/**
 * Sends a Fence to the connection and returns the G values it received since the previous
 * fence. Messages to one connection are delivered in order, so this is exactly what arrived.
 */
async function drain(conn, log) {
  const fence = `fence-${++seq}`;
  await gw.grpcClient.send({
    hub: 'posts',
    method: 'Fence',
    argumentsJson: JSON.stringify([fence]),
    connectionId: conn.connectionId,
  });
  const events = await log.waitUntil(
    (evs) => evs.some((e) => e.method === 'Fence' && e.args[0] === fence),
    5000,
    fence,
  );
  const end = events.findIndex((e) => e.method === 'Fence' && e.args[0] === fence);
  let start = end - 1;
  while (start >= 0 && events[start].method !== 'Fence') start -= 1;
  return events.slice(start + 1, end).map((e) => e.args[0]);
}

test('a group does not exist before anyone is added', async () => {
  const r = await sendToGroup('g1', 'before-add');
  assert.equal(r.queuedConnections, '0');
  assert.deepEqual(await drain(alpha, alphaLog), []);
  assert.deepEqual(await drain(beta, betaLog), []);
});

test('AddToGroup then send: the member receives it, the non-member does not', async () => {
  const r = await add(alpha.connectionId, 'g1');
  assert.equal(r.connectionFound, true);
  const s = await sendToGroup('g1', 'one');
  assert.equal(s.queuedConnections, '1');
  assert.deepEqual(await drain(alpha, alphaLog), ['one']);
  assert.deepEqual(await drain(beta, betaLog), []);
});

test('adding twice is idempotent: the member receives a group message once', async () => {
  assert.equal((await add(alpha.connectionId, 'g1')).connectionFound, true);
  const s = await sendToGroup('g1', 'once');
  assert.equal(s.queuedConnections, '1');
  assert.deepEqual(await drain(alpha, alphaLog), ['once']);
});

test('two members across workers both receive', async () => {
  assert.equal((await add(beta.connectionId, 'g1')).connectionFound, true);
  const s = await sendToGroup('g1', 'both');
  assert.equal(s.queuedConnections, '2');
  assert.deepEqual(await drain(alpha, alphaLog), ['both']);
  assert.deepEqual(await drain(beta, betaLog), ['both']);
});

test('RemoveFromGroup then send: the removed connection no longer receives', async () => {
  const r = await remove(alpha.connectionId, 'g1');
  assert.equal(r.connectionFound, true);
  const s = await sendToGroup('g1', 'after-remove');
  assert.equal(s.queuedConnections, '1');
  assert.deepEqual(await drain(alpha, alphaLog), []);
  assert.deepEqual(await drain(beta, betaLog), ['after-remove']);
});

test('removing the last member makes the group empty', async () => {
  assert.equal((await remove(beta.connectionId, 'g1')).connectionFound, true);
  const s = await sendToGroup('g1', 'empty');
  assert.equal(s.queuedConnections, '0');
  assert.deepEqual(await drain(alpha, alphaLog), []);
  assert.deepEqual(await drain(beta, betaLog), []);
});

test('RemoveFromGroup of a group the connection is not in: found, nothing changes', async () => {
  assert.equal((await add(beta.connectionId, 'keep')).connectionFound, true);
  assert.equal((await remove(beta.connectionId, 'never-joined')).connectionFound, true);
  const s = await sendToGroup('keep', 'still-member');
  assert.equal(s.queuedConnections, '1');
  assert.deepEqual(await drain(beta, betaLog), ['still-member']);
});

test('group names are case-sensitive', async () => {
  assert.equal((await add(alpha.connectionId, 'Team')).connectionFound, true);
  const lower = await sendToGroup('team', 'lower');
  assert.equal(lower.queuedConnections, '0');
  const exact = await sendToGroup('Team', 'exact');
  assert.equal(exact.queuedConnections, '1');
  assert.deepEqual(await drain(alpha, alphaLog), ['exact']);
});

test('a connection can be in several groups and leave one of them', async () => {
  await add(alpha.connectionId, 'x');
  await add(alpha.connectionId, 'y');
  await remove(alpha.connectionId, 'x');
  assert.equal((await sendToGroup('x', 'to-x')).queuedConnections, '0');
  assert.equal((await sendToGroup('y', 'to-y')).queuedConnections, '1');
  assert.deepEqual(await drain(alpha, alphaLog), ['to-y']);
});

test('unknown connection: AddToGroup and RemoveFromGroup answer connectionFound false', async () => {
  for (const id of ['no-such-connection', 'AAAAAAAAAAAAAAAAAAAAAA', '0:zzz', '9999999:abc']) {
    assert.equal((await add(id, 'ghosts')).connectionFound, false, `add ${id}`);
    assert.equal((await remove(id, 'ghosts')).connectionFound, false, `remove ${id}`);
  }
  assert.equal((await sendToGroup('ghosts', 'boo')).queuedConnections, '0');
});

test('groups belong to a hub: a connection of another hub is not found, groups do not leak', async () => {
  // The connection exists, but on hub "other".
  assert.equal((await add(elsewhere.connectionId, 'shared')).connectionFound, false);
  // Join "shared" on hub "other", and a posts connection to "shared" on hub "posts".
  assert.equal((await add(elsewhere.connectionId, 'shared', 'other')).connectionFound, true);
  assert.equal((await add(beta.connectionId, 'shared')).connectionFound, true);
  const received = new Promise((resolve) => elsewhere.on('G', (v) => resolve(v)));
  assert.equal((await sendToGroup('shared', 'posts-only')).queuedConnections, '1');
  assert.equal((await sendToGroup('shared', 'other-only', 'other')).queuedConnections, '1');
  assert.equal(await withTimeout(received, 5000, 'G on hub other'), 'other-only');
  assert.deepEqual(await drain(beta, betaLog), ['posts-only']);
});

test('a connection that disconnected is no longer found and leaves its groups', async () => {
  const temp = await connect(gw.hubUrl('/hubs/posts'));
  const id = temp.connectionId;
  assert.equal((await add(id, 'temp-group')).connectionFound, true);
  assert.equal((await sendToGroup('temp-group', 'hi')).queuedConnections, '1');
  await temp.stop();
  // The server processes the client's Close/close frame asynchronously: wait for the membership
  // answer to change (event-driven polling of an observable effect, bounded).
  const deadline = Date.now() + 5000;
  let found = true;
  while (found && Date.now() < deadline) {
    found = (await remove(id, 'nothing')).connectionFound;
  }
  assert.equal(found, false, 'connection still known 5 s after stop()');
  assert.equal((await sendToGroup('temp-group', 'gone')).queuedConnections, '0');
  assert.equal((await add(id, 'temp-group')).connectionFound, false);
});

test('unknown hub: AddToGroup and RemoveFromGroup fail with NOT_FOUND', async () => {
  for (const call of [add, remove]) {
    await assert.rejects(call(alpha.connectionId, 'g', 'nope'), (err) => {
      assert.equal(err.code, 5);
      assert.match(err.details, /nope/);
      return true;
    });
  }
});
