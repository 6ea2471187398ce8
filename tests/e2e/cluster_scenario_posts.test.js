'use strict';
// The posts example (examples/posts) on three replicas, deployed as issue 12 describes: one
// posts-backend whose Push API target is nginx's gRPC port, each replica calling that backend
// for hub methods, and readers on different replicas. The backend's Caller, group and all
// pushes (and its AddToGroup for a connection on another replica) take whatever replica nginx
// picks, and still reach exactly the right readers.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { collect, mintToken, stopAll, errorOf } = require('./lib/clients');
const { freePort, waitForDescription } = require('./lib/hub_handler');
const { startExampleBackend, httpJson } = require('./lib/example_backends');
const { startCluster } = require('./lib/cluster');
const { connectOn } = require('./lib/cluster_clients');
const { test } = require('./lib/gateway');

const SECRET = 'cluster-posts-secret-0123456789abcdefgh';
const METHODS = ['SubscribedToPost', 'NewComment', 'PostPublished', 'PostUpdated', 'Fence'];

let cluster;
let backend;
const users = {}; // name -> {conn, log}
let fenceSeq = 0;

before(async () => {
  const grpcPort = await freePort();
  backend = await startExampleBackend('posts', { gateway: `127.0.0.1:${grpcPort}` });
  cluster = await startCluster({
    name: 'posts',
    nginx: { grpcPort },
    config: { auth: { hs256_secret: SECRET } },
    hubs: [{
      name: 'posts', path: '/hubs/posts', backend_target: backend.target, backend_deadline: '5s',
    }],
  });
  await Promise.all(cluster.replicas.map((gw) => waitForDescription(gw, 'posts')));
  const people = [
    ['alice', 0, {
      accessToken: mintToken('alice', SECRET, { claims: { name: 'Alice Liddell' } }),
    }],
    ['bob', 1, { accessToken: mintToken('bob', SECRET) }],
    ['carol', 2, { accessToken: mintToken('carol', SECRET, { claims: { name: 'Carol' } }) }],
  ];
  for (const [name, replica, options] of people) {
    const conn = await connectOn(cluster, replica, '/hubs/posts', options);
    users[name] = { conn, log: collect(conn, METHODS) };
  }
});

after(async () => {
  await stopAll(Object.values(users).map((u) => u.conn));
  if (cluster) await cluster.stop();
  if (backend) await backend.stop();
});

/**
 * The events that reached `name` since its last fence: a Fence pushed to its connection through
 * nginx arrives after everything pushed before it (one Redis delivers in publish order).
 */
async function since(name) {
  const { conn, log } = users[name];
  const fence = `fence-${++fenceSeq}`;
  await cluster.push.send({
    hub: 'posts',
    method: 'Fence',
    argumentsJson: JSON.stringify([fence]),
    connectionId: conn.connectionId,
  });
  const events = await log.waitUntil(
    (evs) => evs.some((e) => e.method === 'Fence' && e.args[0] === fence),
    10000,
    `${name} ${fence}`,
  );
  const end = events.findIndex((e) => e.method === 'Fence' && e.args[0] === fence);
  let start = end - 1;
  while (start >= 0 && events[start].method !== 'Fence') start -= 1;
  return events.slice(start + 1, end).map((e) => ({ method: e.method, args: e.args }));
}

test('alice (replica 0) and bob (replica 1) subscribe: the Caller push reaches each', async () => {
  for (const name of ['alice', 'bob']) await users[name].conn.invoke('SubscribeToPost', 42);
  assert.deepEqual(await since('alice'), [{ method: 'SubscribedToPost', args: [42] }]);
  assert.deepEqual(await since('bob'), [{ method: 'SubscribedToPost', args: [42] }]);
  assert.deepEqual(await since('carol'), []);
});

test('alice comments: the group push reaches bob on another replica, not carol', async () => {
  await users.alice.conn.invoke('SendComment', 42, 'First!');
  const forAlice = await since('alice');
  const forBob = await since('bob');
  assert.equal(forAlice.length, 1, JSON.stringify(forAlice));
  assert.deepEqual(forBob, forAlice);
  assert.equal(forAlice[0].method, 'NewComment');
  assert.equal(forAlice[0].args[0].userName, 'Alice Liddell');
  assert.deepEqual(await since('carol'), []);
});

test('an empty comment is the backend\'s HubException; nobody is notified', async () => {
  const prefix = "An unexpected error occurred invoking 'SendComment' on the server.";
  assert.equal(
    await errorOf(users.bob.conn.invoke('SendComment', 42, '')),
    `${prefix} HubException: Comment must not be empty.`,
  );
  assert.deepEqual(await since('alice'), []);
  assert.deepEqual(await since('bob'), []);
});

test('REST publish: PostPublished to all, PostUpdated to the post\'s subscribers', async () => {
  const r = await httpJson(`${backend.httpUrl}/api/posts/42/publish`, {
    method: 'POST',
    body: { title: 'Hello, world' },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const published = { method: 'PostPublished', args: [{ id: 42, title: 'Hello, world' }] };
  const updated = {
    method: 'PostUpdated',
    args: [{ id: 42, title: 'Hello, world', status: 'published' }],
  };
  assert.deepEqual(await since('alice'), [published, updated]);
  assert.deepEqual(await since('bob'), [published, updated]);
  assert.deepEqual(await since('carol'), [published]);
});

test('bob unsubscribes: carol\'s later comment reaches alice and carol only', async () => {
  await users.bob.conn.invoke('UnsubscribeFromPost', 42);
  await users.carol.conn.invoke('SubscribeToPost', 42);
  await users.carol.conn.invoke('SendComment', 42, 'Late to the party');
  assert.deepEqual(await since('bob'), []);
  const forAlice = await since('alice');
  const forCarol = await since('carol');
  assert.deepEqual(forAlice.map((e) => e.method), ['NewComment']);
  assert.equal(forAlice[0].args[0].userName, 'Carol');
  assert.deepEqual(forCarol.map((e) => e.method), ['SubscribedToPost', 'NewComment']);
});
