'use strict';
// limits.connection_rate_per_address: negotiations and WebSocket connects from one address
// beyond its token bucket are refused with 429, while a connected client keeps receiving; behind
// a proxy listed in limits.trusted_proxies, the address is the one X-Forwarded-For names.

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

test('behind a trusted proxy each forwarded client has its own bucket; untrusted headers count for nothing', async () => {
  const attempts = (target, forwardedFor, n) =>
    Promise.all(
      Array.from({ length: n }, () =>
        negotiate(target.hubUrl('/hubs/posts'), { headers: { 'X-Forwarded-For': forwardedFor } }),
      ),
    ).then((answers) => answers.map((a) => a.status));
  const limits = { connection_rate_per_address: 1, connection_burst_per_address: 3 };
  const behindProxy = await startGateway({
    name: 'behind-proxy',
    config: { limits: { ...limits, trusted_proxies: ['127.0.0.0/8', '10.0.0.0/8'] } },
  });
  const direct = await startGateway({ name: 'direct', config: { limits } });
  try {
    // The loopback peer is a trusted proxy: 198.51.100.7 (right of a client-written entry, left
    // of another proxy) has its own bucket of 3, and so has 198.51.100.8.
    const first = await attempts(behindProxy, '203.0.113.1, 198.51.100.7, 10.1.2.3', 6);
    assert.equal(first.filter((s) => s === 200).length, 3, first.join());
    assert.equal(first.filter((s) => s === 429).length, 3, first.join());
    const second = await attempts(behindProxy, '198.51.100.8', 3);
    assert.deepEqual(second, [200, 200, 200]);
    // Without trusted_proxies the header is the client's word: everyone shares the peer's bucket.
    const spoofed = [
      ...(await attempts(direct, '198.51.100.7', 3)),
      ...(await attempts(direct, '198.51.100.8', 3)),
    ];
    assert.equal(spoofed.filter((s) => s === 200).length, 3, spoofed.join());
  } finally {
    await behindProxy.stop();
    await direct.stop();
  }
});
