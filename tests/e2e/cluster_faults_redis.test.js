'use strict';
// Redis trouble on three replicas: /readyz detail and hubgate_backplane_* metrics while Redis is
// up, then Redis stopped and restarted (same port) during steady push traffic: no client is
// dropped, local deliveries continue, a push that needs other replicas fails UNAVAILABLE
// saying the backplane is unavailable, readiness stays, and after the restart every replica
// reconnects, resubscribes and pushes arrive everywhere again.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { stopAll, waitFor } = require('./lib/clients');
const { adminGet, scrape } = require('./lib/admin');
const { eventually, Status } = require('./lib/hub_handler');
const { startCluster } = require('./lib/cluster');
const { connectOn, numberCollector } = require('./lib/cluster_clients');
const { test } = require('./lib/gateway');

let cluster;
const conns = []; // conns[i] on replica i

before(async () => {
  cluster = await startCluster({ name: 'faults-redis' });
  for (let i = 0; i < 3; i += 1) conns.push(await connectOn(cluster, i, '/hubs/posts'));
});

after(async () => {
  await stopAll(conns);
  if (cluster) await cluster.stop();
});

/** The sum of every series of `name` (any labels) in one replica's metrics. */
function sumOf(metrics, name) {
  let sum = 0;
  for (const [key, value] of metrics) {
    if (key === name || key.startsWith(`${name}{`)) sum += value;
  }
  return sum;
}

/**
 * Resolves once every replica's /readyz detail reports the backplane `state`. Only the probe
 * shows the state, so it is asked until it does, within a bound.
 */
function backplaneState(state) {
  return Promise.all(
    cluster.replicas.map((gw) =>
      eventually(
        async () => {
          const ready = await adminGet(gw, '/readyz');
          if (!new RegExp(`backplane: ${state}`).test(ready.body)) {
            throw new Error(`${gw.name}: ${ready.status} ${JSON.stringify(ready.body)}`);
          }
          return ready;
        },
        { timeoutMs: 15000, intervalMs: 50, what: `${gw.name} backplane ${state}` },
      ),
    ),
  );
}

test('/readyz says backplane: connected; hubgate_backplane_* metrics count traffic', async () => {
  for (const ready of await backplaneState('connected')) assert.equal(ready.status, 200);
  const before = await Promise.all(cluster.replicas.map((gw) => scrape(gw)));
  const got = conns.map((c) => waitFor(c, 'Counted'));
  await cluster.replicas[0].grpcClient.send({ hub: 'posts', method: 'Counted', all: {} });
  await Promise.all(got);
  const after = await Promise.all(cluster.replicas.map((gw) => scrape(gw)));
  for (let i = 0; i < 3; i += 1) {
    assert.equal(after[i].value('hubgate_backplane_connected'), 1, `replica ${i} connected`);
    // At least the hub channel and the channel of its own connection.
    const subscriptions = sumOf(after[i], 'hubgate_backplane_subscriptions');
    assert.ok(subscriptions >= 2, `replica ${i} subscriptions`);
    assert.ok(
      sumOf(after[i], 'hubgate_backplane_messages_received_total') >
        sumOf(before[i], 'hubgate_backplane_messages_received_total'),
      `replica ${i} received the push over Redis`,
    );
  }
  assert.ok(
    sumOf(after[0], 'hubgate_backplane_publishes_total') >
      sumOf(before[0], 'hubgate_backplane_publishes_total'),
    'the replica that took the call published',
  );
  const latency = 'hubgate_backplane_publish_duration_seconds_count';
  assert.ok(sumOf(after[0], latency) > sumOf(before[0], latency), 'publish latency observed');
});

test('a push crosses Redis once; a group channel is held only where a member is', async () => {
  const subscriptions = () =>
    Promise.all(
      cluster.replicas.map(async (gw) => {
        const metrics = await scrape(gw);
        return sumOf(metrics, 'hubgate_backplane_subscriptions');
      }),
    );
  /** Resolves once the replicas' subscription counts are `want` (a gauge: asked until it is). */
  const subscriptionsBecome = (want, what) =>
    eventually(async () => {
      const now = await subscriptions();
      assert.deepEqual(now, want, what);
    }, { timeoutMs: 5000, intervalMs: 20, what });
  const base = await subscriptions();
  const group = (i, name, action) =>
    cluster.replicas[(i + 1) % 3].grpcClient[action]({
      hub: 'posts', connectionId: conns[i].connectionId, group: name,
    });
  for (let i = 0; i < 3; i += 1) {
    assert.equal((await group(i, 'everyone', 'addToGroup')).connectionFound, true);
  }
  await subscriptionsBecome(base.map((n) => n + 1), 'one group channel on each replica');
  assert.equal((await group(0, 'solo', 'addToGroup')).connectionFound, true);
  await subscriptionsBecome([base[0] + 2, base[1] + 1, base[2] + 1], 'solo: only on replica 0');

  const publishes = async () =>
    sumOf(await scrape(cluster.replicas[1]), 'hubgate_backplane_publishes_total');
  const requests = [{ group: { group: 'everyone' } }, { all: {} }, { group: { group: 'solo' } }];
  for (const request of requests) {
    const before = await publishes();
    const expected = request.group && request.group.group === 'solo' ? [conns[0]] : conns;
    const got = expected.map((c) => waitFor(c, 'Once'));
    await cluster.replicas[1].grpcClient.send({ hub: 'posts', method: 'Once', ...request });
    await Promise.all(got);
    assert.equal((await publishes()) - before, 1, `one publish for ${JSON.stringify(request)}`);
  }

  for (let i = 0; i < 3; i += 1) await group(i, 'everyone', 'removeFromGroup');
  await group(0, 'solo', 'removeFromGroup');
  await subscriptionsBecome(base, 'group channels dropped with their last member');
});

test('Redis restarted under pushes: nobody dropped, remote pushes fail, then recover', async () => {
  const ticks = conns.map((c) => numberCollector(c, 'Tick'));
  // {n, ok, code, details, via, replicasReached, sentMs, tookMs}; times from the test's start,
  // printed with Redis' stop and start when an accepted tick is missing.
  const outcomes = [];
  const startedAt = Date.now();
  const sinceStart = () => Date.now() - startedAt;
  const redisTimes = {};
  let stopTicking = false;
  const entries = cluster.replicas.map((r) => r.grpcClient);
  const ticker = (async () => {
    for (let n = 1; !stopTicking; n += 1) {
      const sentMs = sinceStart();
      const via = n % 3;
      try {
        const r = await entries[via].send({
          hub: 'posts', method: 'Tick', all: {}, argumentsJson: `[${n}]`,
        });
        const { replicasReached } = r;
        outcomes.push({ n, ok: true, via, replicasReached, sentMs, tookMs: sinceStart() - sentMs });
      } catch (err) {
        const tookMs = sinceStart() - sentMs;
        outcomes.push({ n, ok: false, code: err.code, details: err.details, via, sentMs, tookMs });
        // Refusals come back at once: pace them so the loop does not spin on shared cores.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  })();
  try {
    await Promise.all(ticks.map((tick) => tick.until(20)));

    redisTimes.stopMs = sinceStart();
    await cluster.redis.stop();
    redisTimes.stoppedMs = sinceStart();
    const down = await backplaneState('disconnected');
    for (const ready of down) assert.equal(ready.status, 200, 'still ready: local traffic works');

    // A push that needs other replicas fails, saying why.
    for (let i = 0; i < 3; i += 1) {
      const gw = cluster.replicas[i];
      const err = await gw.grpcClient.send({ hub: 'posts', method: 'X', all: {} }).then(
        () => assert.fail('a push to all must fail while Redis is down'),
        (e) => e,
      );
      assert.equal(err.code, Status.UNAVAILABLE);
      assert.match(err.details, /backplane.*unavailable/i);
      const remote = conns[(i + 1) % 3].connectionId;
      const err2 = await gw.grpcClient.send({ hub: 'posts', method: 'X', connectionId: remote })
        .then(() => assert.fail('a push to a remote connection must fail'), (e) => e);
      assert.equal(err2.code, Status.UNAVAILABLE);
      // A connection this replica holds still gets its push.
      const local = waitFor(conns[i], 'Local');
      const r = await gw.grpcClient.send({
        hub: 'posts', method: 'Local', connectionId: conns[i].connectionId, argumentsJson: `[${i}]`,
      });
      assert.equal(r.queuedConnections, '1');
      assert.deepEqual(await local, [i]);
      const metrics = await scrape(gw);
      assert.equal(metrics.value('hubgate_backplane_connected'), 0);
    }

    redisTimes.startMs = sinceStart();
    await cluster.redis.start();
    await backplaneState('connected');
    redisTimes.connectedMs = sinceStart();
    for (const gw of cluster.replicas) {
      const metrics = await scrape(gw);
      assert.equal(metrics.value('hubgate_backplane_connected'), 1);
      const reconnects = sumOf(metrics, 'hubgate_backplane_reconnects_total');
      assert.ok(reconnects >= 1, `${gw.name} reconnected`);
    }
    // Resubscribed: pushes from every replica reach every client again.
    for (let i = 0; i < 3; i += 1) {
      const got = conns.map((c) => waitFor(c, 'After', { predicate: (args) => args[0] === i }));
      await cluster.replicas[i].grpcClient.send({
        hub: 'posts', method: 'After', all: {}, argumentsJson: `[${i}]`,
      });
      await Promise.all(got);
    }
  } finally {
    stopTicking = true;
    await ticker;
  }
  // Every tick the gateway accepted arrived at every client; every refused one said why.
  const last = outcomes[outcomes.length - 1].n;
  const fence = conns.map((c) => waitFor(c, 'Fence'));
  await cluster.push.send({ hub: 'posts', method: 'Fence', all: {} });
  await Promise.all(fence);
  const missing = ticks.map((tick, i) => {
    const received = new Set(tick.received);
    assert.equal(received.size, tick.received.length, `client ${i}: no tick twice`);
    return outcomes.filter((o) => o.ok && !received.has(o.n));
  });
  // Every client's gaps at once, with the ticks' timing, so that one failure shows the pattern.
  assert.deepEqual(
    missing.map((gaps) => gaps.map((o) => o.n)), [[], [], []],
    `accepted ticks missing (last ${last}), per client: ${JSON.stringify(missing)}; ` +
      `Redis ${JSON.stringify(redisTimes)}`,
  );
  const refused = outcomes.filter((o) => !o.ok);
  assert.ok(refused.length > 0, 'some ticks were sent while Redis was down');
  for (const o of refused) {
    assert.equal(o.code, Status.UNAVAILABLE, `tick ${o.n}: ${o.details}`);
    assert.match(o.details, /backplane.*unavailable/i);
  }
  for (const c of conns) assert.equal(c.closedWith, undefined, 'no client was dropped');
});
