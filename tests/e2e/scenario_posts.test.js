'use strict';
// The posts example (examples/posts) walked through as its users would: two readers subscribe
// to a post, one comments and both see it, a publish through the backend's REST API reaches
// every reader and the post's subscribers, a reader unsubscribes.
//
// Processes: posts-backend (HubHandler + REST, calls the Push API) and the gateway. The
// gateway's Push API port is chosen first so the backend can be started before the gateway.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, collect, mintToken, stopAll, errorOf } = require('./lib/clients');
const { freePort, waitForDescription, waitUntilGone } = require('./lib/hub_handler');
const { startExampleBackend, httpJson } = require('./lib/example_backends');

const SECRET = 'posts-scenario-secret-0123456789abcdef';
const METHODS = ['SubscribedToPost', 'NewComment', 'PostPublished', 'PostUpdated', 'Fence'];
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let gw;
let backend;
const users = {}; // name -> {conn, log}
let fenceSeq = 0;

before(async () => {
  const grpcPort = await freePort();
  backend = await startExampleBackend('posts', { gateway: `127.0.0.1:${grpcPort}` });
  gw = await startGateway({
    workers: 2,
    grpcListen: `127.0.0.1:${grpcPort}`,
    config: {
      auth: { hs256_secret: SECRET },
      hubs: [{ name: 'posts', path: '/hubs/posts', backend_target: backend.target, backend_deadline: '5s' }],
    },
  });
  await waitForDescription(gw, 'posts');
  const people = {
    alice: { accessToken: mintToken('alice', SECRET, { claims: { name: 'Alice Liddell' } }) },
    bob: { accessToken: mintToken('bob', SECRET) },
    carol: { accessToken: mintToken('carol', SECRET, { claims: { name: 'Carol' } }) },
    anon: {},
  };
  for (const [name, options] of Object.entries(people)) {
    const conn = await connect(gw.hubUrl('/hubs/posts'), options);
    users[name] = { conn, log: collect(conn, METHODS) };
  }
});

after(async () => {
  await stopAll(Object.values(users).map((u) => u.conn));
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});

/**
 * Sends a Fence to the user's connection and returns the events that arrived since the last
 * fence. Messages to one connection arrive in order, so this is exactly what it received.
 */
async function since(name) {
  const { conn, log } = users[name];
  const fence = `fence-${++fenceSeq}`;
  await gw.grpcClient.send({
    hub: 'posts',
    method: 'Fence',
    argumentsJson: JSON.stringify([fence]),
    connectionId: conn.connectionId,
  });
  const events = await log.waitUntil(
    (evs) => evs.some((e) => e.method === 'Fence' && e.args[0] === fence),
    5000,
    `${name} ${fence}`,
  );
  const end = events.findIndex((e) => e.method === 'Fence' && e.args[0] === fence);
  let start = end - 1;
  while (start >= 0 && events[start].method !== 'Fence') start -= 1;
  return events.slice(start + 1, end).map((e) => ({ method: e.method, args: e.args }));
}


test('the backend describes the posts hub', () => {
  const names = backend.description.methods.map((m) => m.name).sort();
  assert.deepEqual(names, ['SendComment', 'SubscribeToPost', 'UnsubscribeFromPost']);
});

test('alice and bob subscribe to post 42; each gets SubscribedToPost before invoke() resolves', async () => {
  for (const name of ['alice', 'bob']) {
    const { conn, log } = users[name];
    await conn.invoke('SubscribeToPost', 42);
    // Synchronously after the Completion: the confirmation was already there.
    assert.deepEqual(log.of('SubscribedToPost'), [[42]], `${name} got SubscribedToPost(42)`);
  }
  assert.deepEqual(await since('alice'), [{ method: 'SubscribedToPost', args: [42] }]);
  assert.deepEqual(await since('bob'), [{ method: 'SubscribedToPost', args: [42] }]);
  assert.deepEqual(await since('carol'), []);
});

test('alice comments: both subscribers get NewComment, carol does not', async () => {
  const result = await users.alice.conn.invoke('SendComment', 42, 'First!');
  assert.equal(result, undefined, 'SendComment returns nothing');
  const forAlice = await since('alice');
  const forBob = await since('bob');
  assert.equal(forAlice.length, 1, JSON.stringify(forAlice));
  assert.deepEqual(forBob, forAlice, 'both subscribers got the same comment');
  const [comment] = forAlice[0].args;
  assert.equal(forAlice[0].method, 'NewComment');
  assert.equal(comment.postId, 42);
  assert.equal(comment.userId, 'alice');
  assert.equal(comment.userName, 'Alice Liddell');
  assert.equal(comment.content, 'First!');
  assert.match(comment.timestamp, ISO_RE);
  assert.deepEqual(await since('carol'), []);
});

test('bob replies: his user id is the name (no name claim)', async () => {
  await users.bob.conn.invoke('SendComment', 42, 'Welcome, Alice');
  const [event] = await since('alice');
  assert.equal(event.method, 'NewComment');
  assert.equal(event.args[0].userId, 'bob');
  assert.equal(event.args[0].userName, 'bob');
  assert.equal(event.args[0].content, 'Welcome, Alice');
  await since('bob');
});

test('an empty comment is refused with the backend\'s HubException; nobody is notified', async () => {
  const prefix = "An unexpected error occurred invoking 'SendComment' on the server.";
  assert.equal(
    await errorOf(users.alice.conn.invoke('SendComment', 42, '')),
    `${prefix} HubException: Comment must not be empty.`,
  );
  assert.equal(
    await errorOf(users.alice.conn.invoke('SendComment', 42, '   ')),
    `${prefix} HubException: Comment must not be empty.`,
  );
  assert.deepEqual(await since('alice'), []);
  assert.deepEqual(await since('bob'), []);
});

test('an anonymous reader who comments on a post is "anonymous"', async () => {
  await users.anon.conn.invoke('SubscribeToPost', 'intro');
  await users.anon.conn.invoke('SendComment', 'intro', 'hello from nobody');
  const events = await since('anon');
  assert.deepEqual(events.map((e) => e.method), ['SubscribedToPost', 'NewComment']);
  assert.deepEqual(events[0].args, ['intro']);
  const comment = events[1].args[0];
  assert.equal(comment.postId, 'intro');
  assert.equal(comment.userId, '');
  assert.equal(comment.userName, 'anonymous');
  // Other posts' subscribers saw nothing.
  assert.deepEqual(await since('alice'), []);
});

test('REST publish: PostPublished reaches everyone, PostUpdated only the post\'s subscribers', async () => {
  const r = await httpJson(`${backend.httpUrl}/api/posts/42/publish`, {
    method: 'POST',
    body: { title: 'Hello, world' },
  });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  // 4 connections (all) + 2 subscribers of post 42 (group)
  assert.deepEqual(r.body, { queued: 6 });
  const published = { method: 'PostPublished', args: [{ id: 42, title: 'Hello, world' }] };
  const updated = {
    method: 'PostUpdated',
    args: [{ id: 42, title: 'Hello, world', status: 'published' }],
  };
  assert.deepEqual(await since('alice'), [published, updated]);
  assert.deepEqual(await since('bob'), [published, updated]);
  assert.deepEqual(await since('carol'), [published]);
  assert.deepEqual(await since('anon'), [published]);
});

test('method names are case-insensitive for the example backend too', async () => {
  await users.carol.conn.invoke('subscribetopost', 42);
  assert.deepEqual(await since('carol'), [{ method: 'SubscribedToPost', args: [42] }]);
});

test('bob unsubscribes: later comments reach alice and carol only', async () => {
  await users.bob.conn.invoke('UnsubscribeFromPost', 42);
  await users.carol.conn.invoke('SendComment', 42, 'Late to the party');
  assert.deepEqual(await since('bob'), []);
  const [forAlice] = await since('alice');
  const [forCarol] = await since('carol');
  assert.equal(forAlice.method, 'NewComment');
  assert.equal(forAlice.args[0].userName, 'Carol');
  assert.deepEqual(forCarol, forAlice);
});

test('unknown hub method on the posts hub', async () => {
  assert.equal(await errorOf(users.alice.conn.invoke('DeletePost', 42)), "Unknown hub method 'DeletePost'");
});

test('a closed reader is no longer a subscriber: publish counts drop', async () => {
  const carolId = users.carol.conn.connectionId; // stop() clears it
  await users.carol.conn.stop();
  await waitUntilGone(gw, 'posts', carolId);
  const r = await httpJson(`${backend.httpUrl}/api/posts/42/publish`, {
    method: 'POST',
    body: { title: 'Second edition' },
  });
  assert.equal(r.status, 202);
  // alice, bob, anon (all) + alice (group post-42)
  assert.deepEqual(r.body, { queued: 4 });
  const events = await since('alice');
  assert.deepEqual(events.map((e) => e.method), ['PostPublished', 'PostUpdated']);
});
