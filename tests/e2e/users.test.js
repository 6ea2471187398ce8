'use strict';
// User audiences: the user id comes from the JWT (`sub`, then the nameidentifier claim), a user
// with several connections receives once per connection, and user lists deduplicate.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, collect, waitFor, negotiate, mintToken, stopAll } = require('./lib/clients');

const SECRET = 'users-test-secret-abcdefghijklmnop';
const NAMEIDENTIFIER = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier';

let gw;
const conns = {};
const logs = {};
let seq = 0;

before(async () => {
  gw = await startGateway({
    workers: 3,
    config: {
      auth: { hs256_secret: SECRET },
      hubs: [{ name: 'posts', path: '/hubs/posts' }],
    },
  });
  const hub = gw.hubUrl('/hubs/posts');
  const specs = {
    u1: { accessToken: mintToken('user-1', SECRET) },
    u2: { accessToken: mintToken('user-1', SECRET) },
    // Without negotiate: the connection id is unknown to the client, the user id still routes.
    u3: { accessToken: mintToken('user-1', SECRET), skipNegotiation: true },
    v1: { accessToken: mintToken('user-2', SECRET) },
    // No `sub`: the nameidentifier claim is the next one in the default user_id_claims.
    w1: { accessToken: mintToken(undefined, SECRET, { claims: { [NAMEIDENTIFIER]: 'user-3' } }) },
    anon: {},
  };
  for (const [name, options] of Object.entries(specs)) {
    conns[name] = await connect(hub, options);
    logs[name] = collect(conns[name], ['U', 'Fence']);
  }
});

after(async () => {
  await stopAll(Object.values(conns));
  if (gw) await gw.stop();
});

/** Sends `request` (method U), then a fence to all; returns per connection the U values seen. */
async function observe(request) {
  const value = `v${++seq}`;
  const response = await gw.grpcClient.send({
    hub: 'posts',
    method: 'U',
    argumentsJson: JSON.stringify([value]),
    ...request,
  });
  const fence = `f${seq}`;
  await gw.grpcClient.send({
    hub: 'posts',
    method: 'Fence',
    argumentsJson: JSON.stringify([fence]),
    all: {},
  });
  const seen = {};
  await Promise.all(
    Object.entries(logs).map(async ([name, log]) => {
      const events = await log.waitUntil(
        (evs) => evs.some((e) => e.method === 'Fence' && e.args[0] === fence),
        5000,
        `${fence} at ${name}`,
      );
      const end = events.findIndex((e) => e.method === 'Fence' && e.args[0] === fence);
      let start = end - 1;
      while (start >= 0 && events[start].method !== 'Fence') start -= 1;
      seen[name] = events.slice(start + 1, end).map((e) => e.args[0]);
    }),
  );
  return { response, value, seen };
}

function expectOnly(result, names) {
  const want = {};
  for (const name of Object.keys(logs)) want[name] = names.includes(name) ? [result.value] : [];
  assert.deepEqual(result.seen, want);
  assert.equal(result.response.queuedConnections, String(names.length));
}

test('a user with three connections receives once per connection', async () => {
  expectOnly(await observe({ userId: 'user-1' }), ['u1', 'u2', 'u3']);
});

test('a user with one connection receives, others do not', async () => {
  expectOnly(await observe({ userId: 'user-2' }), ['v1']);
});

test('the nameidentifier claim is used when sub is absent', async () => {
  expectOnly(await observe({ userId: 'user-3' }), ['w1']);
});

test('users list deduplicates users and skips unknown ones', async () => {
  const result = await observe({
    users: { userIds: ['user-1', 'user-2', 'user-1', 'user-404'] },
  });
  expectOnly(result, ['u1', 'u2', 'u3', 'v1']);
});

test('an unknown user reaches nobody', async () => {
  expectOnly(await observe({ userId: 'user-404' }), []);
});

test('user ids are compared ordinally (case-sensitive)', async () => {
  expectOnly(await observe({ userId: 'USER-1' }), []);
});

test('the empty user id of anonymous connections is not addressable', async () => {
  await assert.rejects(
    gw.grpcClient.send({ hub: 'posts', method: 'U', userId: '' }),
    (err) => err.code === 3 && /user_id/.test(err.details),
  );
});

test('after one of the connections of a user stops, the user receives on the remaining ones', async () => {
  const extra = await connect(gw.hubUrl('/hubs/posts'), {
    accessToken: mintToken('user-2', SECRET),
  });
  const got = [];
  extra.on('U', (v) => got.push(v));
  const before = await observe({ userId: 'user-2' });
  assert.equal(before.response.queuedConnections, '2');
  assert.deepEqual(got, [before.value]);
  await extra.stop();
  // The server may see the close a moment after stop() resolves; a user send then counts 1.
  const deadline = Date.now() + 5000;
  let result;
  do {
    result = await observe({ userId: 'user-2' });
  } while (result.response.queuedConnections !== '1' && Date.now() < deadline);
  expectOnly(result, ['v1']);
});

test('auth.user_id_claims selects the claim; the secret may come from HUBGATE_AUTH_HS256_SECRET', async () => {
  const envSecret = 'secret-from-environment-0123456789';
  const custom = await startGateway({
    name: 'custom-claims',
    workers: 1,
    env: { HUBGATE_AUTH_HS256_SECRET: envSecret },
    config: {
      auth: { user_id_claims: ['uid'] },
      hubs: [{ name: 'posts', path: '/hubs/posts', require_auth: true }],
    },
  });
  const clients = [];
  try {
    const hub = custom.hubUrl('/hubs/posts');
    // Signed with the environment's secret: accepted. `uid` wins, `sub` is not consulted.
    const withUid = await connect(hub, {
      accessToken: mintToken('sub-id', envSecret, { claims: { uid: 'uid-id' } }),
    });
    clients.push(withUid);
    // No `uid`: authenticated, but with an empty user id.
    const noUid = await connect(hub, { accessToken: mintToken('sub-only', envSecret) });
    clients.push(noUid);
    // Signed with the secret of the other gateway: refused.
    const wrong = await negotiate(hub, { token: mintToken('x', SECRET) });
    assert.equal(wrong.status, 401);

    const got = waitFor(withUid, 'ByUid');
    const r = await custom.grpcClient.send({ hub: 'posts', method: 'ByUid', userId: 'uid-id' });
    assert.equal(r.queuedConnections, '1');
    await got;
    for (const userId of ['sub-id', 'sub-only']) {
      const none = await custom.grpcClient.send({ hub: 'posts', method: 'BySub', userId });
      assert.equal(none.queuedConnections, '0', userId);
    }
    const all = await custom.grpcClient.send({ hub: 'posts', method: 'All', all: {} });
    assert.equal(all.queuedConnections, '2');
  } finally {
    await stopAll(clients);
    assert.equal(await custom.stop(), 0);
  }
});
