'use strict';
// Bounds on what anonymous and authenticated clients can make the gateway hold (limits:
// max_unclaimed_negotiations_per_address/_per_hub, max_connections, max_connections_per_user).
// A healthy official client must keep receiving pushes through every flood.

const assert = require('node:assert/strict');
const { after } = require('node:test');
const jwt = require('jsonwebtoken');
const { startGateway, test } = require('./lib/gateway');
const { connect, negotiate, stopAll, upgradeStatus } = require('./lib/clients');
const { measured, healthyClient, limitHits, scrapeUntil } = require('./lib/limits');

const SECRET = 'limits-negotiate-secret-0123456789abcdef';
const open = [];
const gateways = [];

after(async () => {
  await stopAll(open);
  await Promise.all(gateways.map((gw) => gw.stop()));
});

async function start(limits, extra = {}) {
  // The connection rate is limits_rate.test.js's subject: off here.
  const config = { limits: { connection_rate_per_address: 0, ...limits }, ...extra };
  const gw = await startGateway({ config });
  gateways.push(gw);
  return gw;
}

test('a negotiate flood from one address is refused beyond its share, and expires', async () => {
  const gw = await start(
    { max_unclaimed_negotiations_per_address: 20 },
    { hubs: [{ name: 'posts', path: '/hubs/posts', disconnect_timeout: '2s' }] },
  );
  const healthy = await healthyClient(gw);
  open.push(healthy);

  const answers = await measured(gw, 'negotiate flood (300 from one address)', () =>
    Promise.all(Array.from({ length: 300 }, () => negotiate(gw.hubUrl('/hubs/posts')))),
  );
  const ok = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 429);
  assert.equal(ok.length, 20, 'exactly the configured number stays unclaimed');
  assert.equal(refused.length, 280);
  assert.equal(refused[0].body, 'Too many negotiated connections from this address are not connected.');
  assert.equal(await limitHits(gw, 'max_unclaimed_negotiations_per_address'), 280);
  await scrapeUntil(
    gw,
    (m) => m.value('hubgate_registered_connections', { state: 'unclaimed' }) === 20,
    'the 20 unclaimed negotiations',
  );
  await healthy.assertReceivesPushes();

  // The official client from the same address sees the refusal.
  await assert.rejects(connect(gw.hubUrl('/hubs/posts')), /Too many negotiated connections/);

  // The unclaimed ones are forgotten after disconnect_timeout, and the address may negotiate.
  await scrapeUntil(
    gw,
    (m) => m.value('hubgate_registered_connections', { state: 'unclaimed' }) === 0,
    'the expiry of the unclaimed negotiations',
  );
  const again = await connect(gw.hubUrl('/hubs/posts'));
  open.push(again);
  await healthy.assertReceivesPushes();
});

test('unclaimed negotiations of a hub are bounded (503) and other hubs are unaffected', async () => {
  const gw = await start(
    { max_unclaimed_negotiations_per_hub: 10, max_unclaimed_negotiations_per_address: 0 },
    { hubs: [{ name: 'posts', path: '/hubs/posts' }, { name: 'chat', path: '/hubs/chat' }] },
  );
  const healthy = await healthyClient(gw);
  open.push(healthy);
  const answers = await measured(gw, 'negotiate flood on one hub (100)', () =>
    Promise.all(Array.from({ length: 100 }, () => negotiate(gw.hubUrl('/hubs/chat')))),
  );
  assert.equal(answers.filter((a) => a.status === 200).length, 10);
  const refused = answers.filter((a) => a.status === 503);
  assert.equal(refused.length, 90);
  assert.match(refused[0].body, /negotiated and not connected yet/);
  assert.equal(await limitHits(gw, 'max_unclaimed_negotiations_per_hub'), 90);
  const other = await connect(gw.hubUrl('/hubs/posts'));
  open.push(other);
  await healthy.assertReceivesPushes();
});

test('max_connections and max_connections_per_user refuse the official client clearly', async () => {
  const gw = await start(
    { max_connections: 4, max_connections_per_user: 2 },
    { auth: { hs256_secret: SECRET } },
  );
  const healthy = await healthyClient(gw);
  open.push(healthy);
  const tokenOf = (sub) => jwt.sign({ sub }, SECRET, { algorithm: 'HS256', expiresIn: '10m' });
  const url = gw.hubUrl('/hubs/posts');
  open.push(await connect(url, { accessToken: tokenOf('alice') }));
  open.push(await connect(url, { accessToken: tokenOf('alice') }));
  await assert.rejects(
    connect(url, { accessToken: tokenOf('alice') }),
    /Too many connections for this user/,
  );
  // skipNegotiation WebSockets are counted too (a WebSocket client sees no HTTP status).
  assert.equal(
    await upgradeStatus(`${gw.wsUrl}/hubs/posts?access_token=${tokenOf('alice')}`),
    429,
  );
  open.push(await connect(url, { accessToken: tokenOf('bob') }));
  const full = await negotiate(url, { token: tokenOf('carol') });
  assert.equal(full.status, 503);
  assert.equal(full.body, 'The server has reached its connection limit.');
  await assert.rejects(connect(url, { accessToken: tokenOf('carol') }), /connection limit/);
  assert.equal(await limitHits(gw, 'max_connections_per_user'), 2);
  assert.equal(await limitHits(gw, 'max_connections'), 2);
  await healthy.assertReceivesPushes();

  // A closed connection frees its slot.
  await open.pop().stop();
  await scrapeUntil(
    gw,
    (m) => m.value('hubgate_registered_connections', { state: 'all' }) === 3,
    'the closed connection leaving the registry',
  );
  open.push(await connect(url, { accessToken: tokenOf('carol') }));
});
