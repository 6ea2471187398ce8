'use strict';
// The Push API audience cases on a 3-replica cluster, shared by the single-Redis and the Redis
// Cluster files: six official clients of hub "posts" (three users, two groups) spread over the
// three replicas plus one client of another hub, pushes made through nginx's gRPC proxying or
// to one replica, and each push must reach exactly the intended clients.
//
// Absence is proven as in push_targets.test.js: after each targeted push, a marker goes to the
// whole of both hubs from the same Push API client, and a client that got nothing before its
// marker got nothing at all. That needs the push's channel and the marker's channel to be
// delivered in order: always on one Redis, and on a Redis Cluster when both channels live on
// the same master, so there the group, user and hub names are chosen to share the master of the
// hub channel (see chooseColocatedNames). A recipient waits for the push itself too, so a
// marker overtaking it (different masters) cannot fail a correct gateway; at the end every
// client's whole log is checked once more for late duplicates.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { collect, mintToken, stopAll } = require('./clients');
const { startCluster } = require('./cluster');
const { test } = require('./gateway');
const { connectOn } = require('./cluster_clients');
const { parseClusterNodes, startRedisCluster } = require('./redis');
const { fromValue, Status } = require('./hub_handler');

const SECRET = 'cluster-audience-secret-0123456789abcdef';
const PREFIX = 'hubgate'; // backplane.channel_prefix's default

// name -> [user, replica index]
const LAYOUT = {
  a1: ['alice', 0],
  a2: ['alice', 1],
  b1: ['bob', 2],
  b2: ['bob', 0],
  c1: ['carol', 1],
  c2: ['carol', 2],
};
const RED = ['a1', 'b1', 'c1']; // one member on each replica
const BLUE = ['a2', 'b1', 'c2']; // replicas 1 and 2; b1 is in both groups
const ALL = Object.keys(LAYOUT);

/**
 * Names whose channels share the Redis Cluster master of `{prefix}:h:posts` (the channel layout
 * of docs/scale-out.md), so that a push to them and a marker to the hub arrive in order.
 */
async function chooseColocatedNames(redisCluster, wanted) {
  const masters = parseClusterNodes(await redisCluster.nodes[0].cli('cluster', 'nodes'));
  const [hubSlot] = await redisCluster.slotsOf([`${PREFIX}:h:posts`]);
  const home = masters.find((m) => m.slots.some(([from, to]) => hubSlot >= from && hubSlot <= to));
  const onHome = (slot) => home.slots.some(([from, to]) => slot >= from && slot <= to);
  const chosen = {};
  for (const [key, { base, channel }] of Object.entries(wanted)) {
    const candidates = Array.from({ length: 64 }, (_, i) => (i === 0 ? base : `${base}-${i}`));
    const slots = await redisCluster.slotsOf(candidates.map(channel));
    const i = slots.findIndex(onHome);
    assert.ok(i >= 0, `no name like ${base} on the master of ${PREFIX}:h:posts`);
    chosen[key] = candidates[i];
  }
  return chosen;
}

/** Registers the before/after hooks and the audience tests of one file. */
function defineAudienceTests({ redis, name }) {
  const state = { cluster: undefined, conns: {}, logs: {}, ids: {}, names: undefined };
  const expectations = []; // {tag, names}: for the final check of the whole logs
  const answers = []; // {title, entry, expected, response, replicasReached}: Send's answers
  let seq = 0;

  before(async () => {
    let names = {
      red: 'red', blue: 'blue', green: 'green',
      alice: 'alice', bob: 'bob', carol: 'carol', other: 'other',
    };
    let redisInstance = redis;
    if (redis === 'cluster') {
      // The names depend on the slot map: Redis first, then the replicas with the chosen names.
      redisInstance = await startRedisCluster({ name: `${name}-redis` });
      try {
        const g = (n) => `${PREFIX}:g:posts:${n}`;
        const u = (n) => `${PREFIX}:u:posts:${n}`;
        names = await chooseColocatedNames(redisInstance, {
          red: { base: 'red', channel: g },
          blue: { base: 'blue', channel: g },
          green: { base: 'green', channel: g },
          alice: { base: 'alice', channel: u },
          bob: { base: 'bob', channel: u },
          carol: { base: 'carol', channel: u },
          other: { base: 'other', channel: (n) => `${PREFIX}:h:${n}` },
        });
      } catch (err) {
        await redisInstance.stop();
        throw err;
      }
    }
    const cluster = await startCluster({
      redis: redisInstance,
      name,
      config: { auth: { hs256_secret: SECRET } },
      hubs: [
        { name: 'posts', path: '/hubs/posts' },
        { name: names.other, path: '/hubs/other' },
      ],
    });
    state.cluster = cluster;
    state.names = names;
    for (const [conn, [user, replica]] of Object.entries(LAYOUT)) {
      const c = await connectOn(cluster, replica, '/hubs/posts', {
        accessToken: mintToken(names[user], SECRET),
      });
      state.conns[conn] = c;
      state.ids[conn] = c.connectionId;
      state.logs[conn] = collect(c, ['Msg', 'Marker']);
    }
    state.conns.c2.on('Add', (a, b) => a + b);
    // Alice on the other hub, on replica 1 (where a2 of hub posts lives too).
    const other = await connectOn(cluster, 1, '/hubs/other', {
      accessToken: mintToken(names.alice, SECRET),
    });
    state.conns.other = other;
    state.ids.other = other.connectionId;
    state.logs.other = collect(other, ['Msg', 'Marker']);

    // Memberships added through every entry point: nginx and each replica, mostly not the
    // holder.
    let k = 0;
    for (const [group, members] of [[names.red, RED], [names.blue, BLUE]]) {
      for (const member of members) {
        const client = pushClients(cluster)[k++ % 4];
        const r = await client.addToGroup({ hub: 'posts', connectionId: state.ids[member], group });
        assert.equal(r.connectionFound, true, `AddToGroup ${member} to ${group}`);
      }
    }
    // The other hub has a group named like red, holding its only connection.
    const r = await cluster.push.addToGroup({
      hub: names.other,
      connectionId: state.ids.other,
      group: names.red,
    });
    assert.equal(r.connectionFound, true);
  });

  after(async () => {
    await stopAll(Object.values(state.conns));
    if (state.cluster) await state.cluster.stop();
  });

  /** The Push API entries: nginx first (0), then replica i (i + 1). */
  function pushClients(cluster) {
    return [cluster.push, ...cluster.replicas.map((r) => r.grpcClient)];
  }

  /**
   * Pushes `request` (hub posts, Msg {tag}) through entry `via` (0: nginx, 1..3: replica
   * via-1; default rotating), then the markers, and returns per client the tags seen.
   */
  async function observe(request, { via, expected }) {
    const { cluster } = state;
    seq += 1;
    const tag = `t${seq}`;
    const entry = via === undefined ? seq % 4 : via;
    const client = pushClients(cluster)[entry];
    const response = await client.send({
      hub: 'posts',
      method: 'Msg',
      argumentsJson: JSON.stringify([{ tag }]),
      ...request,
    });
    const marker = `m${seq}`;
    for (const hub of ['posts', state.names.other]) {
      await client.send({
        hub, method: 'Marker', argumentsJson: JSON.stringify([marker]), all: {},
      });
    }
    const seen = {};
    await Promise.all(
      Object.entries(state.logs).map(async ([conn, log]) => {
        const hasMarker = (evs) => evs.some((e) => e.method === 'Marker' && e.args[0] === marker);
        const hasTag = (evs) => evs.some((e) => e.method === 'Msg' && e.args[0].tag === tag);
        const events = await log.waitUntil(
          (evs) => hasMarker(evs) && (!expected.includes(conn) || hasTag(evs)),
          10000,
          `marker ${marker}${expected.includes(conn) ? ` and ${tag}` : ''} at ${conn}`,
        );
        seen[conn] = events.filter((e) => e.method === 'Msg' && e.args[0].tag === tag).length;
      }),
    );
    expectations.push({ tag, names: expected });
    return { response, seen, entry };
  }

  /**
   * Exactly `expected` got the push, once each. Send's answer is kept for the send-answer test
   * (with `replicasReached`, the replicas expected to hold a subscriber of its channel).
   */
  async function assertReaches(request, expected, { via, replicasReached } = {}) {
    const { response, seen, entry } = await observe(request, { via, expected });
    const want = {};
    for (const conn of Object.keys(state.logs)) want[conn] = expected.includes(conn) ? 1 : 0;
    assert.deepEqual(seen, want);
    answers.push({ request, entry, expected, response, replicasReached });
    return response;
  }

  const ids = (...conns) => conns.map((c) => state.ids[c]);

  const allTitle =
    'all, pushed through nginx and to each replica, reaches every client of the hub';
  test(allTitle, async () => {
    for (let via = 0; via < 4; via += 1) {
      await assertReaches({ all: {} }, ALL, { via, replicasReached: 3 });
    }
  });

  test('all-except leaves out the listed clients, wherever they live', async () => {
    const except = ids('a1', 'c2', 'c1');
    await assertReaches({ all: { exceptConnectionIds: except } }, ['a2', 'b1', 'b2']);
  });

  test('connection_id reaches a client on another replica than the one called', async () => {
    for (const [conn, via] of [['a1', 2], ['a2', 3], ['b1', 1], ['b2', 0]]) {
      await assertReaches({ connectionId: state.ids[conn] }, [conn], { via, replicasReached: 1 });
    }
  });

  test('connection_id of another hub, or unknown, reaches nobody', async () => {
    await assertReaches({ connectionId: state.ids.other }, [], { via: 2 });
    await assertReaches({ connectionId: 'no-such-connection' }, [], { via: 1, replicasReached: 0 });
  });

  test('connections reaches the listed clients on every replica once each', async () => {
    await assertReaches(
      { connections: { connectionIds: [...ids('a1', 'c2', 'a1', 'c1'), 'unknown-connection-id'] } },
      ['a1', 'c1', 'c2'],
    );
  });

  test('group reaches its members on three replicas only', async () => {
    await assertReaches({ group: { group: state.names.red } }, RED, { via: 0, replicasReached: 3 });
    const blue = { group: { group: state.names.blue } };
    await assertReaches(blue, BLUE, { via: 1, replicasReached: 2 });
  });

  test('group-except leaves the listed members out', async () => {
    await assertReaches(
      { group: { group: state.names.blue, exceptConnectionIds: ids('b1', 'a1') } },
      ['a2', 'c2'],
    );
  });

  test('a group nobody joined reaches nobody', async () => {
    await assertReaches({ group: { group: state.names.green } }, [], { replicasReached: 0 });
  });

  test('groups reaches the union, a member of both groups once', async () => {
    await assertReaches(
      { groups: { groups: [state.names.red, state.names.blue, state.names.green] } },
      ['a1', 'a2', 'b1', 'c1', 'c2'],
    );
  });

  test('user_id reaches the user\'s clients on two replicas, not on the other hub', async () => {
    const alice = { userId: state.names.alice };
    await assertReaches(alice, ['a1', 'a2'], { via: 3, replicasReached: 2 });
  });

  test('user ids are compared case-sensitively across replicas', async () => {
    await assertReaches({ userId: state.names.alice.toUpperCase() }, []);
  });

  test('users reaches every listed user\'s clients once each', async () => {
    await assertReaches(
      { users: { userIds: [state.names.bob, state.names.carol, state.names.bob, 'nobody'] } },
      ['b1', 'b2', 'c1', 'c2'],
    );
  });

  test('InvokeClient and AddToGroup reach a client held by another replica', async () => {
    const r = await state.cluster.replicas[0].grpcClient.invokeClient(
      { hub: 'posts', connectionId: state.ids.c2, method: 'Add', argumentsJson: '[20, 22]' },
      { timeoutMs: 15000 },
    );
    assert.equal(r.outcome, 'result');
    assert.equal(fromValue(r.result), 42);
    const unknown = await state.cluster.push
      .invokeClient({ hub: 'posts', connectionId: 'no-such-connection', method: 'Add' })
      .then(() => assert.fail('InvokeClient of an unknown connection must fail'), (e) => e);
    assert.equal(unknown.code, Status.NOT_FOUND);
    const missing = await state.cluster.replicas[1].grpcClient.addToGroup({
      hub: 'posts', connectionId: 'no-such-connection', group: state.names.red,
    });
    assert.equal(missing.connectionFound, false);
  });

  const answerTitle = 'Send answers queued_connections (replica called) and replicas_reached';
  test(answerTitle, () => {
    assert.ok(answers.length > 0, 'the audience tests ran first');
    for (const { request, entry, expected, response, replicasReached } of answers) {
      const what = `${JSON.stringify(request)} via entry ${entry}`;
      if (entry > 0) {
        // queued_connections: the recipients held by the replica that took the call.
        const local = expected.filter((c) => LAYOUT[c][1] === entry - 1).length;
        assert.equal(response.queuedConnections, String(local), `queued_connections: ${what}`);
      }
      if (replicasReached !== undefined) {
        const reached = Number(response.replicasReached);
        assert.equal(reached, replicasReached, `replicas_reached: ${what}`);
      }
    }
  });

  test('no client received any push twice or where it should not, in the end', async () => {
    const marker = `final-${seq}`;
    await state.cluster.push.send({
      hub: 'posts', method: 'Marker', argumentsJson: JSON.stringify([marker]), all: {},
    });
    await state.cluster.push.send({
      hub: state.names.other, method: 'Marker', argumentsJson: JSON.stringify([marker]), all: {},
    });
    for (const [conn, log] of Object.entries(state.logs)) {
      const events = await log.waitUntil(
        (evs) => evs.some((e) => e.method === 'Marker' && e.args[0] === marker),
        10000,
        `${marker} at ${conn}`,
      );
      const got = events.filter((e) => e.method === 'Msg').map((e) => e.args[0].tag);
      const want = expectations.filter((x) => x.names.includes(conn)).map((x) => x.tag);
      assert.deepEqual([...got].sort(), [...want].sort(), `whole log of ${conn}`);
    }
  });

  return state;
}

module.exports = { defineAudienceTests, chooseColocatedNames, LAYOUT, SECRET };
