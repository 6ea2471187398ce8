'use strict';
// The scale-out test harness itself, on plain replicas (no backplane): nginx balances HTTP and
// gRPC round-robin over three replicas with no affinity, passes WebSocket upgrades through,
// skips a dead replica and comes back to a restarted one on its old ports; Redis, single and
// Cluster, starts, stops, restarts on its port and serves sharded pub/sub.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, toYaml, GATEWAY_BIN } = require('./lib/gateway');
const { negotiate, connect, waitFor, stopAll, RS } = require('./lib/clients');
const { sseOpen, send, poll } = require('./lib/transports');
const { Status } = require('./lib/hub_handler');
const { startCluster, counterSum, replicaConfigWithBackplane } = require('./lib/cluster');
const { scrape } = require('./lib/admin');
const {
  startRedis, startRedisCluster, parseClusterInfo, parseClusterNodes,
} = require('./lib/redis');
const { replicasConnectedDuring } = require('./lib/cluster_clients');

let cluster;

before(async () => {
  cluster = await startCluster({ redis: 'none', name: 'harness' });
});

after(async () => {
  if (cluster) await cluster.stop();
});

/** Per replica, how much each counter moved while `fn` ran. */
async function movedDuring(read, fn) {
  const before = await read();
  await fn();
  const after = await read();
  return after.map((v, i) => v - before[i]);
}

test('nginx spreads negotiate requests round-robin over the three replicas', async () => {
  const upstreams = [];
  const moved = await movedDuring(
    () => cluster.negotiationsPerReplica('posts'),
    async () => {
      for (let i = 0; i < 6; i += 1) {
        const n = await negotiate(cluster.hubUrl('/hubs/posts'));
        assert.equal(n.status, 200);
        upstreams.push(n.headers.get('x-upstream'));
      }
    },
  );
  // Each replica counted two negotiations of its own: no affinity, strict rotation.
  assert.deepEqual(moved, [2, 2, 2]);
  const indexes = upstreams.map((a) => cluster.replicaOfAddress(a));
  assert.deepEqual([...indexes].sort(), [0, 0, 1, 1, 2, 2]);
  for (let i = 3; i < 6; i += 1) assert.equal(indexes[i], indexes[i - 3], 'round-robin order');
  // nginx's access log tells the same story.
  const logged = cluster.lb
    .accessLog()
    .filter((e) => e.uri === '/hubs/posts/negotiate')
    .slice(-6)
    .map((e) => cluster.replicaOfAddress(e.upstream));
  assert.deepEqual(logged, indexes);
});

test('nginx spreads Push API calls round-robin over the replicas\' gRPC listeners', async () => {
  const read = () =>
    Promise.all(
      cluster.replicas.map(async (gw) => {
        const metrics = await scrape(gw);
        return metrics.value('hubgate_pushes_total', { hub: 'posts', target: 'all' });
      }),
    );
  const moved = await movedDuring(read, async () => {
    for (let i = 0; i < 6; i += 1) {
      await cluster.push.send({ hub: 'posts', method: 'Nobody', all: {} });
    }
  });
  assert.deepEqual(moved, [2, 2, 2]);
});

test('a WebSocket upgrade passes through nginx; the replica that took it delivers', async () => {
  const { result: conn, replicas } = await replicasConnectedDuring(cluster, 'posts', () =>
    connect(cluster.hubUrl('/hubs/posts'), { skipNegotiation: true }),
  );
  try {
    assert.equal(replicas.length, 1);
    const holder = cluster.replicas[replicas[0]];
    const got = waitFor(conn, 'Hello');
    const r = await holder.grpcClient.send({
      hub: 'posts',
      method: 'Hello',
      argumentsJson: '["through nginx"]',
      all: {},
    });
    assert.equal(r.queuedConnections, '1');
    assert.deepEqual(await got, ['through nginx']);
  } finally {
    await stopAll([conn]);
  }
});

/**
 * Sends throwaway requests through nginx until the next one will go to replica `index` (the
 * rotation is strict: 0, 1, 2, 0, ...; only one test runs at a time).
 */
async function steerTo(index) {
  for (;;) {
    const response = await fetch(`${cluster.lb.httpUrl}/steer`);
    await response.arrayBuffer();
    const answered = cluster.replicaOfAddress(response.headers.get('x-upstream'));
    if ((answered + 1) % 3 === index) return;
  }
}

test('Server-Sent Events and a held long poll pass through nginx unbuffered', async () => {
  const hub = cluster.hubUrl('/hubs/posts');
  const n = await negotiate(hub);
  const holder = cluster.replicaOfAddress(n.headers.get('x-upstream'));
  const token = n.body.connectionToken;
  // Plain replicas share nothing: every request of this connection is steered to its holder.
  await steerTo(holder);
  const sse = await sseOpen(hub, token);
  try {
    assert.equal(sse.status, 200);
    assert.equal(sse.headers.get('x-upstream'), n.headers.get('x-upstream'));
    // The first ":" line arrives while the response is still open: nothing buffers it.
    await sse.waitFor((t) => t.startsWith(':\r\n'), 'the first ":" line through nginx');
    await steerTo(holder);
    assert.equal((await send(hub, token, `{"protocol":"json","version":1}${RS}`)).status, 200);
    await sse.waitFor((t) => t.includes(`data: {}${RS}`), 'the handshake answer');
    const r = await cluster.replicas[holder].grpcClient.send({
      hub: 'posts', method: 'Evt', connectionId: n.body.connectionId, argumentsJson: '["e"]',
    });
    assert.equal(r.queuedConnections, '1');
    await sse.waitFor((t) => t.includes('"target":"Evt"'), 'the pushed event through nginx');
  } finally {
    sse.close();
  }

  const lp = await negotiate(hub);
  const lpHolder = cluster.replicaOfAddress(lp.headers.get('x-upstream'));
  const lpToken = lp.body.connectionToken;
  await steerTo(lpHolder);
  assert.equal((await poll(hub, lpToken)).status, 200);
  await steerTo(lpHolder);
  assert.equal((await send(hub, lpToken, `{"protocol":"json","version":1}${RS}`)).status, 200);
  await steerTo(lpHolder);
  assert.equal((await poll(hub, lpToken)).body.toString(), `{}${RS}`);
  await steerTo(lpHolder);
  // A poll held by the replica is answered through nginx by a later push.
  const held = poll(hub, lpToken, { timeoutMs: 10000 });
  await cluster.replicas[lpHolder].waitForLog(
    new RegExp(`connection ${lp.body.connectionId}: long poll held`),
  );
  await cluster.replicas[lpHolder].grpcClient.send({
    hub: 'posts', method: 'Late', connectionId: lp.body.connectionId,
  });
  const answered = await held;
  assert.equal(answered.status, 200);
  assert.match(answered.body.toString(), /"target":"Late"/);
});

test('gRPC errors pass through nginx with their code and message', async () => {
  const err = await cluster.push
    .send({ hub: 'no-such-hub', method: 'M', all: {} })
    .then(() => assert.fail('must fail'), (e) => e);
  assert.equal(err.code, Status.NOT_FOUND);
  assert.match(err.details, /no-such-hub/);
});

test('a SIGKILLed replica is skipped; restarted on its ports it is balanced to again', async () => {
  await cluster.killReplica(1);
  const whileDead = await movedDuring(
    () =>
      Promise.all(
        [0, 2].map((i) => counterSum(cluster.replicas[i], 'hubgate_negotiations_total', 'posts')),
      ),
    async () => {
      for (let i = 0; i < 6; i += 1) {
        const n = await negotiate(cluster.hubUrl('/hubs/posts'));
        assert.equal(n.status, 200, 'nginx moves on to a live replica');
      }
    },
  );
  assert.equal(whileDead[0] + whileDead[1], 6);

  const oldHttp = cluster.replicas[1].httpPort;
  const restarted = await cluster.startReplica(1);
  assert.equal(restarted.httpPort, oldHttp, 'the same HTTP port');
  // nginx retries a failed server after fail_timeout (1 s): the event is the replica's own
  // negotiate counter moving, so ask until it does, within a bound.
  const deadline = Date.now() + 10000;
  let reached = 0;
  while (reached === 0) {
    assert.ok(Date.now() < deadline, 'nginx never balanced to the restarted replica');
    const n = await negotiate(cluster.hubUrl('/hubs/posts'));
    assert.equal(n.status, 200);
    if (cluster.replicaOfAddress(n.headers.get('x-upstream')) === 1) reached += 1;
  }
});

/** `hubgate --check_config` on `config`; resolves {code, output}. */
function checkConfig(config) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-e2e-check-'));
  const file = path.join(dir, 'hubgate.yaml');
  fs.writeFileSync(file, toYaml(config));
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('HUBGATE_')) delete env[key];
  return new Promise((resolve) => {
    const args = [`--config=${file}`, '--check_config'];
    execFile(GATEWAY_BIN, args, { env }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({ code: err ? err.code : 0, output: stdout + stderr });
    });
  });
}

test('the replicas\' backplane configuration passes hubgate --check_config', async () => {
  const listeners = {
    http: { listen: '127.0.0.1:0' },
    grpc: { listen: '127.0.0.1:0' },
    admin: { listen: '127.0.0.1:0' },
  };
  for (const [addresses, redisCluster] of [
    [['127.0.0.1:6379'], false],
    [['127.0.0.1:7001', '127.0.0.1:7002', '127.0.0.1:7003'], true],
  ]) {
    const config = replicaConfigWithBackplane({
      config: listeners, addresses, redisCluster, replicaId: 'check-r0',
    });
    const { code, output } = await checkConfig(config);
    assert.equal(code, 0, `${toYaml(config)}\n${output}`);
    assert.match(output, /configuration OK/);
  }
  // The check is real: a short token secret is refused.
  const bad = replicaConfigWithBackplane({
    config: listeners, addresses: ['127.0.0.1:6379'], backplane: { token_secret: 'short' },
  });
  const { code, output } = await checkConfig(bad);
  assert.notEqual(code, 0);
  assert.match(output, /token_secret/);
});

test('Redis: starts on a free port, restarts on it after SIGTERM and SIGKILL', async () => {
  const redis = await startRedis({ name: 'harness-redis' });
  try {
    assert.equal((await redis.cli('ping')).trim(), 'PONG');
    const { port } = redis;
    await redis.stop();
    assert.equal(redis.running, false);
    await assert.rejects(redis.cli('ping'));
    await redis.start();
    assert.equal(redis.port, port);
    assert.equal((await redis.cli('ping')).trim(), 'PONG');
    await redis.kill();
    await redis.start();
    assert.equal(redis.port, port);
    // Persistence is off: nothing survives a restart.
    await redis.cli('set', 'k', 'v');
    await redis.stop();
    await redis.start();
    assert.equal((await redis.cli('exists', 'k')).trim(), '0');
  } finally {
    await redis.dispose();
  }
});

test('Redis Cluster: three masters share all 16384 slots and carry sharded pub/sub', async () => {
  const rc = await startRedisCluster({ name: 'harness-rc' });
  try {
    assert.equal(rc.addresses.length, 3);
    for (const node of rc.nodes) {
      const info = parseClusterInfo(await node.cli('cluster', 'info'));
      assert.equal(info.cluster_state, 'ok');
      assert.equal(info.cluster_slots_assigned, '16384');
      assert.equal(info.cluster_known_nodes, '3');
    }
    const masters = parseClusterNodes(await rc.nodes[0].cli('cluster', 'nodes'));
    assert.equal(masters.length, 3);
    for (const m of masters) assert.ok(m.slots.length > 0, `${m.address} serves slots`);
    // Channels of one prefix spread over the masters.
    const owners = new Set();
    for (const channel of ['hubgate:h:posts', 'hubgate:g:posts:red', 'hubgate:u:posts:alice',
      'hubgate:c:x', 'hubgate:c:y', 'hubgate:c:z']) {
      owners.add(await rc.masterOf(channel));
    }
    assert.ok(owners.size >= 2, 'channels of one prefix live on several masters');
    // SPUBLISH follows the redirection to the channel's master (nobody subscribed: 0).
    assert.equal((await rc.cli('spublish', 'hubgate:h:posts', 'x')).trim(), '0');
  } finally {
    await rc.stop();
  }
});
