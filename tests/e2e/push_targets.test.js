'use strict';
// Every audience kind of Push.Send reaches exactly the intended connections and no others.
//
// Six connections of hub "posts" across three users and two groups (spread over three
// workers), plus a connection of another hub whose user is one of the three. Absence is proven
// without sleeping: after each targeted send, a "Marker" message goes to every connection, and
// what each connection received before its marker is compared with what it should have.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const {
  connect,
  collect,
  mintToken,
  stopAll,
  matrix,
  binaryAsReceived,
} = require('./lib/clients');

const SECRET = 'push-targets-secret-0123456789abcdef';

let gw;
let other; // the connection on hub "other"
const conns = {}; // name -> HubConnection of hub "posts"
const collectors = {}; // name -> collector (posts + other)
const ids = {}; // name -> connection id
let markerSeq = 0;

// name -> user; groups below.
const LAYOUT = {
  a1: 'alice',
  a2: 'alice',
  b1: 'bob',
  b2: 'bob',
  c1: 'carol',
  c2: 'carol',
};
const GROUP_RED = ['a1', 'b1', 'c1'];
const GROUP_BLUE = ['a2', 'b1', 'c2']; // b1 is in both groups
const ALL = Object.keys(LAYOUT);

before(async () => {
  gw = await startGateway({
    workers: 3,
    config: {
      auth: { hs256_secret: SECRET },
      hubs: [
        { name: 'posts', path: '/hubs/posts' },
        { name: 'other', path: '/hubs/other' },
      ],
    },
  });
  for (const [name, user] of Object.entries(LAYOUT)) {
    const conn = await connect(gw.hubUrl('/hubs/posts'), {
      accessToken: mintToken(user, SECRET),
    });
    conns[name] = conn;
    ids[name] = conn.connectionId;
    collectors[name] = collect(conn, ['Msg', 'Marker']);
  }
  // Same user as a1/a2, but on another hub: no audience of hub "posts" may reach it.
  other = await connect(gw.hubUrl('/hubs/other'), { accessToken: mintToken('alice', SECRET) });
  ids.other = other.connectionId;
  collectors.other = collect(other, ['Msg', 'Marker']);

  for (const name of GROUP_RED) {
    const r = await gw.grpcClient.addToGroup({ hub: 'posts', connectionId: ids[name], group: 'red' });
    assert.equal(r.connectionFound, true);
  }
  for (const name of GROUP_BLUE) {
    const r = await gw.grpcClient.addToGroup({
      hub: 'posts',
      connectionId: ids[name],
      group: 'blue',
    });
    assert.equal(r.connectionFound, true);
  }
  // The other hub has a group "red" too, holding its only connection.
  await gw.grpcClient.addToGroup({ hub: 'other', connectionId: ids.other, group: 'red' });
});

after(async () => {
  await stopAll([...Object.values(conns), other]);
  if (gw) await gw.stop();
});

/**
 * Sends `request` (hub posts, method Msg, argument {tag}), then a marker to every connection of
 * both hubs, and returns, per connection, the Msg tags that arrived before the marker.
 */
async function sendAndObserve(request) {
  const tag = `t${++markerSeq}`;
  const response = await gw.grpcClient.send({
    hub: 'posts',
    method: 'Msg',
    argumentsJson: JSON.stringify([{ tag }]),
    ...request,
  });
  const marker = `m${markerSeq}`;
  for (const hub of ['posts', 'other']) {
    await gw.grpcClient.send({
      hub,
      method: 'Marker',
      argumentsJson: JSON.stringify([marker]),
      all: {},
    });
  }
  const seen = {};
  await Promise.all(
    Object.entries(collectors).map(async ([name, collector]) => {
      const events = await collector.waitUntil(
        (evs) => evs.some((e) => e.method === 'Marker' && e.args[0] === marker),
        5000,
        `marker ${marker} at ${name}`,
      );
      const end = events.findIndex((e) => e.method === 'Marker' && e.args[0] === marker);
      // Everything between the previous marker and this one.
      let start = end - 1;
      while (start >= 0 && events[start].method !== 'Marker') start -= 1;
      seen[name] = events
        .slice(start + 1, end)
        .filter((e) => e.method === 'Msg')
        .map((e) => e.args[0].tag);
    }),
  );
  return { response, tag, seen };
}

/** Asserts that exactly `expected` (names) got the message once and nobody else got anything. */
function assertReached({ response, tag, seen }, expected) {
  const want = {};
  for (const name of Object.keys(collectors)) want[name] = expected.includes(name) ? [tag] : [];
  assert.deepEqual(seen, want);
  assert.equal(response.queuedConnections, String(expected.length));
}

test('all reaches every connection of the hub, not other hubs', async () => {
  assertReached(await sendAndObserve({ all: {} }), ALL);
});

test('all with except_connection_ids leaves the listed connections out', async () => {
  const result = await sendAndObserve({ all: { exceptConnectionIds: [ids.a1, ids.c2] } });
  assertReached(result, ['a2', 'b1', 'b2', 'c1']);
});

test('connection_id reaches only that connection', async () => {
  assertReached(await sendAndObserve({ connectionId: ids.b2 }), ['b2']);
});

test('connection_id of another hub reaches nobody', async () => {
  assertReached(await sendAndObserve({ connectionId: ids.other }), []);
});

test('connection_id unknown to the gateway reaches nobody and counts 0', async () => {
  assertReached(await sendAndObserve({ connectionId: 'no-such-connection' }), []);
});

test('connections reaches the listed ones once each, ignoring unknown ids and duplicates', async () => {
  const result = await sendAndObserve({
    connections: { connectionIds: [ids.a1, ids.c2, ids.a1, 'unknown-connection-id'] },
  });
  assertReached(result, ['a1', 'c2']);
});

test('group reaches its members only', async () => {
  assertReached(await sendAndObserve({ group: { group: 'red' } }), GROUP_RED);
});

test('group with except_connection_ids leaves the listed members out', async () => {
  const result = await sendAndObserve({
    group: { group: 'blue', exceptConnectionIds: [ids.b1, ids.a1] },
  });
  assertReached(result, ['a2', 'c2']);
});

test('group that does not exist reaches nobody', async () => {
  assertReached(await sendAndObserve({ group: { group: 'green' } }), []);
});

test('groups reaches the union of the groups, a member of both once', async () => {
  const result = await sendAndObserve({ groups: { groups: ['red', 'blue', 'green'] } });
  assertReached(result, ['a1', 'a2', 'b1', 'c1', 'c2']);
});

test('user_id reaches every connection of that user on this hub only', async () => {
  assertReached(await sendAndObserve({ userId: 'alice' }), ['a1', 'a2']);
});

test('user_id is compared case-sensitively', async () => {
  assertReached(await sendAndObserve({ userId: 'Alice' }), []);
});

test('users reaches the connections of any listed user once each', async () => {
  const result = await sendAndObserve({ users: { userIds: ['bob', 'carol', 'bob', 'nobody'] } });
  assertReached(result, ['b1', 'b2', 'c1', 'c2']);
});

test('arguments: typed Values arrive as the protocol represents them', async () => {
  const received = new Promise((resolve) => conns.c1.on('Typed', (...args) => resolve(args)));
  const response = await gw.grpcClient.send({
    hub: 'posts',
    method: 'Typed',
    connectionId: ids.c1,
    arguments: {
      values: [
        { intValue: '-42' },
        { uintValue: '18446744073709551615' },
        { stringValue: 'héllo "world"\n' },
        { boolValue: true },
        { doubleValue: 1.5 },
        { nullValue: 'NULL_VALUE' },
        {},
        { listValue: { values: [{ intValue: '1' }, { stringValue: 'two' }] } },
        { mapValue: { fields: { a: { intValue: '1' }, b: { listValue: { values: [] } } } } },
        { binaryValue: Buffer.from([1, 2, 3, 250]) },
        { timestampValue: { seconds: '1700000000', nanos: 0 } },
      ],
    },
  });
  assert.equal(response.queuedConnections, '1');
  const args = await Promise.race([
    received,
    new Promise((_, reject) => setTimeout(() => reject(new Error('Typed not received')), 5000)),
  ]);
  assert.equal(args.length, 11);
  assert.equal(args[0], -42);
  // 2^64-1 cannot be represented exactly by a JS number; its value must still be that number.
  assert.equal(args[1], 18446744073709551615);
  assert.equal(args[2], 'héllo "world"\n');
  assert.equal(args[3], true);
  assert.equal(args[4], 1.5);
  assert.equal(args[5], null);
  assert.equal(args[6], null);
  assert.deepEqual(args[7], [1, 'two']);
  assert.deepEqual(args[8], { a: 1, b: [] });
  // Binary: bytes under MessagePack, base64 text under JSON; timestamps: Date / ISO-8601 text.
  assert.deepEqual(args[9], binaryAsReceived([1, 2, 3, 250]));
  if (matrix.protocol === 'messagepack') {
    assert.ok(args[10] instanceof Date);
    assert.equal(args[10].getTime(), 1700000000 * 1000);
  } else {
    assert.equal(typeof args[10], 'string');
    assert.equal(Date.parse(args[10]), 1700000000 * 1000);
  }
});

test('arguments: arguments_json is delivered verbatim as the argument list, none means none', async () => {
  const got = [];
  const done = new Promise((resolve) => {
    conns.b2.on('Json', (...args) => {
      got.push(args);
      if (got.length === 2) resolve();
    });
  });
  await gw.grpcClient.send({
    hub: 'posts',
    method: 'Json',
    connectionId: ids.b2,
    argumentsJson: '[{"id":42,"nested":{"x":[1,2.5,null,"s"]}},"text",7]',
  });
  await gw.grpcClient.send({ hub: 'posts', method: 'Json', connectionId: ids.b2 });
  await Promise.race([
    done,
    new Promise((_, reject) => setTimeout(() => reject(new Error('Json not received')), 5000)),
  ]);
  assert.deepEqual(got[0], [{ id: 42, nested: { x: [1, 2.5, null, 's'] } }, 'text', 7]);
  assert.deepEqual(got[1], []);
});

test('client method names match case-insensitively (SignalR client rule)', async () => {
  // The JS client lowercases handler names; the gateway must pass the target through as given.
  assertReached(await sendAndObserve({ method: 'MSG', connectionId: ids.a2 }), ['a2']);
});

test('a large message (512 KiB) arrives intact', async () => {
  const big = 'L'.repeat(512 * 1024);
  const received = new Promise((resolve) => conns.a1.on('Large', (v) => resolve(v)));
  const r = await gw.grpcClient.send({
    hub: 'posts',
    method: 'Large',
    argumentsJson: JSON.stringify([big]),
    connectionId: ids.a1,
  });
  assert.equal(r.queuedConnections, '1');
  const value = await Promise.race([
    received,
    new Promise((_, reject) => setTimeout(() => reject(new Error('Large not received')), 5000)),
  ]);
  assert.equal(value.length, big.length);
  assert.equal(value, big);
});

test('all reaches many connections spread over the workers, each exactly once', async () => {
  const extra = [];
  try {
    for (let i = 0; i < 30; i += 1) extra.push(await connect(gw.hubUrl('/hubs/posts')));
    const counts = extra.map(() => 0);
    const everyone = new Promise((resolve) => {
      let pending = extra.length;
      extra.forEach((c, i) =>
        c.on('Crowd', () => {
          counts[i] += 1;
          if (counts[i] === 1 && --pending === 0) resolve();
        }),
      );
    });
    const r = await gw.grpcClient.send({ hub: 'posts', method: 'Crowd', all: {} });
    assert.equal(r.queuedConnections, String(ALL.length + extra.length));
    await Promise.race([
      everyone,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`Crowd counts ${counts}`)), 5000)),
    ]);
    // A later message to each proves no duplicate is still on its way.
    const fences = extra.map(
      (c) => new Promise((resolve) => c.on('CrowdFence', () => resolve())),
    );
    await gw.grpcClient.send({ hub: 'posts', method: 'CrowdFence', all: {} });
    await Promise.race([
      Promise.all(fences),
      new Promise((_, reject) => setTimeout(() => reject(new Error('CrowdFence missing')), 5000)),
    ]);
    assert.deepEqual(counts, extra.map(() => 1));
  } finally {
    await stopAll(extra);
  }
});
