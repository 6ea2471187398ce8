'use strict';
// Hostile clients beside a healthy one: whatever they send, the gateway's state stays within its
// configured bounds and the healthy client keeps receiving pushes. The gateway's memory before
// and after each flood is printed (asserted only as bounded, never as a speed).

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, stopAll, waitFor, withTimeout } = require('./lib/clients');
const { startTestBackend } = require('./lib/test_backend');
const { waitForDescription } = require('./lib/hub_handler');
const { scrape } = require('./lib/admin');
const { rssKiB, reportRss } = require('./lib/memory');

let gw;
let backend;
const open = [];

before(async () => {
  backend = await startTestBackend();
  gw = await startGateway({
    config: {
      hubs: [
        { name: 'described', path: '/hubs/described', backend_target: backend.target },
        {
          name: 'limited',
          path: '/hubs/limited',
          backend_target: backend.target,
          max_invocations_per_second: 5,
          invocation_burst: 5,
        },
      ],
    },
  });
  await waitForDescription(gw, 'described');
  await waitForDescription(gw, 'limited');
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});

/** Metric series whose name starts with `prefix`. */
function seriesCount(metrics, prefix) {
  return [...metrics.keys()].filter((key) => key.startsWith(prefix)).length;
}

for (const hub of ['described']) {
  test(`a flood of made-up method names on the ${hub} hub creates no metric series`, async (t) => {
    const healthy = await connect(gw.hubUrl(`/hubs/${hub}`));
    const hostile = await connect(gw.hubUrl(`/hubs/${hub}`));
    open.push(healthy, hostile);
    // One call of each kind first, so that every series the flood may legitimately touch exists.
    await hostile.send('MadeUpWarmUp').catch(() => {});
    await hostile.invoke('MadeUpWarmUp').catch(() => {});
    const before = await scrape(gw);
    const rssBefore = rssKiB(gw);

    const names = Array.from({ length: 500 }, (_, i) => `MadeUp${i}_${Math.random().toString(36).slice(2)}`);
    const outcomes = await withTimeout(
      Promise.all(names.map((name) => hostile.invoke(name).then(() => 'ok', () => 'refused'))),
      30000,
      '500 invocations of unknown methods',
    );
    assert.ok(outcomes.every((o) => o === 'refused'), 'no made-up method succeeds');

    const afterFlood = await scrape(gw);
    for (const name of names) {
      assert.ok(!afterFlood.text.includes(name), `no series is labelled with ${name}`);
    }
    for (const prefix of ['hubgate_invocations_total', 'hubgate_backend_call_duration_seconds']) {
      assert.equal(seriesCount(afterFlood, prefix), seriesCount(before, prefix), `${prefix} series`);
    }
    reportRss(t, `500 made-up method names on ${hub}`, rssBefore, rssKiB(gw));

    const pushed = waitFor(healthy, 'StillHere');
    await gw.grpcClient.send({ hub, method: 'StillHere', connectionId: healthy.connectionId, argumentsJson: '[1]' });
    assert.deepEqual(await pushed, [1]);
  });
}

test('invocations beyond max_invocations_per_second fail with a clear error; other connections are unaffected', async () => {
  const hostile = await connect(gw.hubUrl('/hubs/limited'));
  const healthy = await connect(gw.hubUrl('/hubs/limited'));
  open.push(hostile, healthy);
  const before = (await scrape(gw)).value('hubgate_limit_hits_total', { limit: 'max_invocations_per_second' });
  const outcomes = await withTimeout(
    Promise.all(
      Array.from({ length: 40 }, (_, i) => hostile.invoke('Echo', i).then(() => 'ok', (err) => err.message)),
    ),
    30000,
    '40 invocations',
  );
  const refused = outcomes.filter((o) => o === 'Invocation rate limit exceeded.').length;
  assert.ok(outcomes.includes('ok'), 'the burst goes through');
  assert.ok(refused >= 20, `most of 40 calls at once are refused (${refused})`);
  assert.deepEqual(
    outcomes.filter((o) => o !== 'ok' && o !== 'Invocation rate limit exceeded.'),
    [],
    'nothing else fails',
  );
  assert.equal(hostile.state, 'Connected', 'the connection stays');
  assert.deepEqual(await healthy.invoke('Echo', 'mine'), 'mine', 'each connection has its own bucket');
  const after = (await scrape(gw)).value('hubgate_limit_hits_total', { limit: 'max_invocations_per_second' });
  assert.equal(after - before, refused);
});
