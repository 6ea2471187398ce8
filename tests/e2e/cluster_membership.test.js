'use strict';
// Requests about one connection held by another replica, on three replicas over one Redis:
// AddToGroup / RemoveFromGroup (found or not), InvokeClient (the client's result, its error,
// an unknown connection, a connection that leaves while the call waits), a user with three
// connections on three replicas, and the order of pushes from one caller alternating replicas.
// Absence is proven as in groups.test.js: a later marker from the same caller, never a sleep.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { collect, mintToken, stopAll, deferred } = require('./lib/clients');
const { fromValue, Status, eventually } = require('./lib/hub_handler');
const { startCluster } = require('./lib/cluster');
const { connectOn, numberCollector } = require('./lib/cluster_clients');
const { test } = require('./lib/gateway');

const SECRET = 'cluster-membership-secret-0123456789abcd';

let cluster;
const conns = {}; // x0, x1, x2 (user dana, one per replica), y1 (user erin, replica 1)
const logs = {};
let seq = 0;

before(async () => {
  cluster = await startCluster({
    name: 'membership',
    config: { auth: { hs256_secret: SECRET } },
    hubs: [
      { name: 'posts', path: '/hubs/posts' },
      { name: 'other', path: '/hubs/other' },
    ],
  });
  for (const [name, user, replica] of [['x0', 'dana', 0], ['x1', 'dana', 1], ['x2', 'dana', 2],
    ['y1', 'erin', 1]]) {
    conns[name] = await connectOn(cluster, replica, '/hubs/posts', {
      accessToken: mintToken(user, SECRET),
    });
    logs[name] = collect(conns[name], ['G', 'Marker']);
  }
  conns.x2.on('Add', (a, b) => a + b);
  conns.x2.on('Throws', () => {
    throw new Error('from the client');
  });
});

after(async () => {
  await stopAll(Object.values(conns));
  if (cluster) await cluster.stop();
});

const id = (name) => conns[name].connectionId;
const replica = (i) => cluster.replicas[i].grpcClient;

/**
 * Sends G {tag} with `request` through `client`, then a marker to the hub through the same
 * client; resolves with the names that got the tag before their marker.
 */
async function reached(client, request) {
  seq += 1;
  const tag = `g${seq}`;
  await client.send({
    hub: 'posts', method: 'G', argumentsJson: JSON.stringify([tag]), ...request,
  });
  const marker = `m${seq}`;
  await client.send({
    hub: 'posts', method: 'Marker', argumentsJson: JSON.stringify([marker]), all: {},
  });
  const got = [];
  for (const [name, log] of Object.entries(logs)) {
    const events = await log.waitUntil(
      (evs) => evs.some((e) => e.method === 'Marker' && e.args[0] === marker),
      10000,
      `${marker} at ${name}`,
    );
    const n = events.filter((e) => e.method === 'G' && e.args[0] === tag).length;
    for (let k = 0; k < n; k += 1) got.push(name);
  }
  return got;
}

const ADD_ELSEWHERE_TITLE =
  'AddToGroup on another replica than the holder: found, and the group push arrives';
test(ADD_ELSEWHERE_TITLE, async () => {
  const r = await replica(0).addToGroup({ hub: 'posts', connectionId: id('x2'), group: 'team' });
  assert.equal(r.connectionFound, true);
  assert.deepEqual(await reached(replica(1), { group: { group: 'team' } }), ['x2']);
  // Idempotent across replicas: adding again elsewhere still delivers once.
  const again = await cluster.push.addToGroup({
    hub: 'posts', connectionId: id('x2'), group: 'team',
  });
  assert.equal(again.connectionFound, true);
  assert.deepEqual(await reached(replica(2), { group: { group: 'team' } }), ['x2']);
});

test('members on three replicas, added and removed from a fourth entry point', async () => {
  for (const name of ['x0', 'x1', 'x2']) {
    const r = await cluster.push.addToGroup({
      hub: 'posts', connectionId: id(name), group: 'trio',
    });
    assert.equal(r.connectionFound, true, name);
  }
  assert.deepEqual(await reached(cluster.push, { group: { group: 'trio' } }), ['x0', 'x1', 'x2']);
  const removed = await replica(2).removeFromGroup({
    hub: 'posts', connectionId: id('x1'), group: 'trio',
  });
  assert.equal(removed.connectionFound, true);
  assert.deepEqual(await reached(replica(1), { group: { group: 'trio' } }), ['x0', 'x2']);
  // Removing from a group it is not in: found, nothing changes.
  const notIn = await replica(0).removeFromGroup({
    hub: 'posts', connectionId: id('x1'), group: 'never-joined',
  });
  assert.equal(notIn.connectionFound, true);
  for (const name of ['x0', 'x2']) {
    await replica(1).removeFromGroup({ hub: 'posts', connectionId: id(name), group: 'trio' });
  }
  assert.deepEqual(await reached(replica(0), { group: { group: 'trio' } }), []);
});

const UNKNOWN_MEMBER_TITLE =
  'AddToGroup / RemoveFromGroup of an unknown connection: not found on every replica';
test(UNKNOWN_MEMBER_TITLE, async () => {
  for (const client of [cluster.push, replica(0), replica(1), replica(2)]) {
    const add = await client.addToGroup({
      hub: 'posts', connectionId: 'no-such-connection', group: 'g',
    });
    assert.equal(add.connectionFound, false);
    const remove = await client.removeFromGroup({
      hub: 'posts', connectionId: 'no-such-connection', group: 'g',
    });
    assert.equal(remove.connectionFound, false);
  }
  // A connection of hub posts is not found as one of hub other, on another replica either.
  const wrongHub = await replica(0).addToGroup({
    hub: 'other', connectionId: id('x2'), group: 'g',
  });
  assert.equal(wrongHub.connectionFound, false);
});

test('a user with three connections on three replicas receives once on each', async () => {
  for (const client of [cluster.push, replica(0), replica(1), replica(2)]) {
    assert.deepEqual(await reached(client, { userId: 'dana' }), ['x0', 'x1', 'x2']);
  }
  assert.deepEqual(await reached(replica(2), { users: { userIds: ['erin', 'dana', 'erin'] } }),
    ['x0', 'x1', 'x2', 'y1']);
});

function invoke(client, connectionId, method, args) {
  return client.invokeClient(
    { hub: 'posts', connectionId, method, argumentsJson: JSON.stringify(args) },
    { timeoutMs: 15000 },
  );
}

async function grpcErrorOf(promise) {
  try {
    const r = await promise;
    assert.fail(`expected a gRPC error, got ${JSON.stringify(r)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return err;
  }
  return undefined;
}

test('InvokeClient on another replica: the client\'s result', async () => {
  for (const client of [replica(0), replica(1), cluster.push]) {
    const r = await invoke(client, id('x2'), 'Add', [2, 3]);
    assert.equal(r.outcome, 'result');
    assert.equal(fromValue(r.result), 5);
  }
});

test('InvokeClient on another replica: the client\'s error', async () => {
  const r = await invoke(replica(0), id('x2'), 'Throws', []);
  assert.equal(r.outcome, 'error');
  assert.match(r.error, /from the client/);
});

test('InvokeClient of an unknown connection: NOT_FOUND from every replica', async () => {
  for (const client of [replica(0), replica(1), replica(2), cluster.push]) {
    const err = await grpcErrorOf(invoke(client, 'no-such-connection', 'Add', [1, 2]));
    assert.equal(err.code, Status.NOT_FOUND);
    assert.equal(err.details, "Connection 'no-such-connection' does not exist.");
  }
});

const INVOKE_LEAVES_TITLE =
  'InvokeClient: the client leaves on its replica while another waits: UNAVAILABLE';
test(INVOKE_LEAVES_TITLE, async () => {
  const leaving = await connectOn(cluster, 2, '/hubs/posts', {
    accessToken: mintToken('z', SECRET),
  });
  const called = deferred();
  leaving.on('Hang', () => {
    called.resolve();
    return new Promise(() => {}); // never answers
  });
  const leavingId = leaving.connectionId;
  const pending = grpcErrorOf(invoke(replica(0), leavingId, 'Hang', []));
  await called.promise;
  await leaving.stop();
  const err = await pending;
  assert.equal(err.code, Status.UNAVAILABLE);
  assert.equal(err.details, `Connection '${leavingId}' disconnected.`);
  // Once it is gone, every replica answers "not found" for it. The holder's teardown follows
  // the client's stop(); the answer is the observable event.
  await eventually(async () => {
    const r = await replica(1).addToGroup({ hub: 'posts', connectionId: leavingId, group: 'g' });
    if (r.connectionFound) throw new Error('still found');
  }, { timeoutMs: 5000, intervalMs: 20, what: `${leavingId} gone` });
});

test('pushes from one caller alternating replicas arrive in the order accepted', async () => {
  const toOne = numberCollector(conns.x1, 'Ordered');
  const toGroupA = numberCollector(conns.x0, 'OrderedGroup');
  const toGroupB = numberCollector(conns.x2, 'OrderedGroup');
  for (const name of ['x0', 'x2']) {
    await replica(1).addToGroup({ hub: 'posts', connectionId: id(name), group: 'ordered' });
  }
  const entries = [cluster.push, replica(0), replica(1), replica(2)];
  const TOTAL = 200;
  for (let n = 1; n <= TOTAL; n += 1) {
    const client = entries[n % entries.length];
    await client.send({
      hub: 'posts', method: 'Ordered', connectionId: id('x1'), argumentsJson: `[${n}]`,
    });
    await entries[(n + 1) % entries.length].send({
      hub: 'posts', method: 'OrderedGroup', group: { group: 'ordered' }, argumentsJson: `[${n}]`,
    });
  }
  const expected = Array.from({ length: TOTAL }, (_, i) => i + 1);
  await Promise.all([toOne.until(TOTAL), toGroupA.until(TOTAL), toGroupB.until(TOTAL)]);
  assert.deepEqual(toOne.received, expected);
  assert.deepEqual(toGroupA.received, expected);
  assert.deepEqual(toGroupB.received, expected);
});
