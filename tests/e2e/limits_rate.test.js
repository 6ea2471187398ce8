'use strict';
// limits.connection_rate_per_address: negotiations and WebSocket connects from one address
// beyond its token bucket are refused with 429, while a connected client keeps receiving.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, negotiate, stopAll, upgradeStatus } = require('./lib/clients');
const { measured, healthyClient, limitHits } = require('./lib/limits');

const RATE = 1;
const BURST = 10;
let gw;
let healthy;

before(async () => {
  gw = await startGateway({
    config: {
      limits: {
        connection_rate_per_address: RATE,
        connection_burst_per_address: BURST,
        max_unclaimed_negotiations_per_address: 0,
      },
    },
  });
  healthy = await healthyClient(gw); // a negotiate and a WebSocket connect: 2 tokens
});

after(async () => {
  await stopAll([healthy]);
  if (gw) await gw.stop();
});

test('a connect flood from one address gets 429 beyond its bucket', async () => {
  const started = Date.now();
  const answers = await measured(gw, 'connection-rate flood (100 negotiates)', () =>
    Promise.all(Array.from({ length: 100 }, () => negotiate(gw.hubUrl('/hubs/posts')))),
  );
  const seconds = (Date.now() - started) / 1000;
  const ok = answers.filter((a) => a.status === 200).length;
  const refused = answers.filter((a) => a.status === 429);
  assert.ok(ok >= BURST - 2, `${ok} allowed`);
  assert.ok(ok <= BURST - 2 + Math.ceil(seconds * RATE) + 1, `${ok} allowed in ${seconds} s`);
  assert.equal(ok + refused.length, 100);
  assert.equal(refused[0].body, 'Too many connection attempts from this address.');
  assert.equal(await limitHits(gw, 'connection_rate_per_address'), refused.length);

  // WebSocket connects are attempts too, and the official client sees the refusal (the bucket
  // is emptied again first: it refilled during the flood).
  while ((await negotiate(gw.hubUrl('/hubs/posts'))).status === 200);
  const [upgrade, official] = await Promise.allSettled([
    upgradeStatus(`${gw.wsUrl}/hubs/posts`),
    connect(gw.hubUrl('/hubs/posts')),
  ]);
  assert.equal(upgrade.value, 429);
  assert.equal(official.status, 'rejected');
  assert.match(String(official.reason), /Too many connection attempts/);
  await healthy.assertReceivesPushes();
});
