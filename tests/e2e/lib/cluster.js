'use strict';
// A hubgate cluster for the scale-out tests: Redis (one server or a 3-master Redis Cluster), N
// hubgate replicas with the same hubs and a `backplane:` section pointing at it, and nginx
// balancing round-robin, with no affinity, over the replicas' HTTP and gRPC listeners.
//
//   const c = await startCluster({ hubs: [...], config: { auth: {...} } });
//   c.hubUrl('/hubs/posts')             // through nginx
//   c.replicas[1].hubUrl('/hubs/posts') // one replica directly
//   await c.push.send({...})            // Push API through nginx's gRPC proxying
//   c.pushClient()                      // nginx or a random replica's Push API client
//   await c.restartReplica(1); await c.killReplica(2); await c.redis.stop();
//   await c.stop();
//
// `redis: 'none'` starts plain replicas without a backplane; the harness tests use it to check
// nginx and Redis themselves.

const { startGateway, createPushClient } = require('./gateway');
const { startRedis, startRedisCluster } = require('./redis');
const { startNginx } = require('./nginx');
const { scrape } = require('./admin');

// >= 32 bytes, the same on every replica (signs connection tokens).
const TOKEN_SECRET = 'hubgate-e2e-cluster-token-secret-0123456789';
const DEFAULT_HUBS = [{ name: 'posts', path: '/hubs/posts' }];

/**
 * Starts Redis, `replicas` hubgate processes and nginx. Options: redis ('single' | 'cluster' |
 * 'none', or a server or cluster already started by lib/redis.js, which stop() then ends),
 * hubs, config (more gateway settings, the same on every replica), backplane (more backplane
 * settings), workers, name (prefix of the process names in log dumps), nginx (false: no
 * balancer; or {httpPort, grpcPort} to fix nginx's own ports).
 */
async function startCluster({
  replicas = 3,
  redis = 'single',
  hubs = DEFAULT_HUBS,
  config = {},
  backplane = {},
  workers = 2,
  name = 'cluster',
  nginx = true,
} = {}) {
  const cluster = {
    name,
    redis: typeof redis === 'object' ? redis : undefined,
    replicas: [],
    lb: undefined,
    push: undefined,
    tokenSecret: TOKEN_SECRET,
  };
  const kind = typeof redis === 'object' ? (redis.nodes ? 'cluster' : 'single') : redis;
  const replicaConfig = (index) =>
    kind === 'none'
      ? { ...config, hubs }
      : replicaConfigWithBackplane({
        config,
        hubs,
        addresses: cluster.redis.addresses || [cluster.redis.address],
        redisCluster: kind === 'cluster',
        replicaId: `${name}-r${index}`,
        backplane,
      });
  // Ports of each replica, kept for restarts (nginx knows the replicas by address).
  const ports = [];
  cluster.startReplica = async (index) => {
    const fixed = ports[index];
    const cfg = replicaConfig(index);
    if (fixed) cfg.admin = { ...(cfg.admin || {}), listen: `127.0.0.1:${fixed.admin}` };
    const gw = await startGateway({
      name: `${name}-r${index}`,
      config: cfg,
      workers,
      grpcListen: fixed ? `127.0.0.1:${fixed.grpc}` : '127.0.0.1:0',
      // gateway.js binds HTTP to port 0; a later flag wins, so a restart keeps its port.
      extraArgs: fixed ? [`--http_listen=127.0.0.1:${fixed.http}`] : [],
    });
    gw.index = index;
    ports[index] = { http: gw.httpPort, grpc: gw.grpcPort, admin: gw.adminPort };
    cluster.replicas[index] = gw;
    return gw;
  };
  /** SIGTERM (drain) and wait for the exit; resolves with the exit code. */
  cluster.stopReplica = (index) => cluster.replicas[index].stop();
  /** SIGKILL and wait for the exit. */
  cluster.killReplica = async (index) => {
    const gw = cluster.replicas[index];
    gw.grpcClient.close();
    gw.process.kill('SIGKILL');
    await gw.exited;
    await gw.stop(); // already exited: only removes its configuration directory
  };
  /** Stops replica `index` (SIGTERM unless `signal` is SIGKILL) and starts it on its ports. */
  cluster.restartReplica = async (index, { signal = 'SIGTERM' } = {}) => {
    if (signal === 'SIGKILL') await cluster.killReplica(index);
    else await cluster.stopReplica(index);
    return cluster.startReplica(index);
  };
  cluster.hubUrl = (hubPath) => cluster.lb.hubUrl(hubPath);
  /** The Push API client of nginx, or of one replica chosen at random. */
  cluster.pushClient = () => {
    const choices = [cluster.push, ...cluster.replicas.map((r) => r.grpcClient)].filter(Boolean);
    return choices[Math.floor(Math.random() * choices.length)];
  };
  /** Per replica, the connections that completed their handshake there, for `hub`. */
  cluster.connectsPerReplica = (hub) =>
    Promise.all(cluster.replicas.map((gw) => counterSum(gw, 'hubgate_connects_total', hub)));
  /** Per replica, its successful negotiate requests for `hub`. */
  cluster.negotiationsPerReplica = (hub) =>
    Promise.all(cluster.replicas.map((gw) => counterSum(gw, 'hubgate_negotiations_total', hub)));
  /** The replica index of an address nginx logged (host:port of an HTTP listener). */
  cluster.replicaOfAddress = (address) =>
    ports.findIndex((p) => p && `127.0.0.1:${p.http}` === address);
  cluster.stop = async () => {
    if (cluster.push) cluster.push.close();
    if (cluster.lb) await cluster.lb.stop();
    await Promise.all(cluster.replicas.map((gw) => gw && gw.stop().catch(() => {})));
    if (cluster.redis) await cluster.redis.dispose();
  };

  try {
    if (cluster.redis) {
      // started by the caller
    } else if (kind === 'single') {
      cluster.redis = await startRedis({ name: `${name}-redis` });
    } else if (kind === 'cluster') {
      cluster.redis = await startRedisCluster({ name: `${name}-redis` });
    } else if (kind !== 'none') {
      throw new Error(`redis: unknown kind ${kind}`);
    }
    await Promise.all(Array.from({ length: replicas }, (_, i) => cluster.startReplica(i)));
    if (nginx) {
      cluster.lb = await startNginx({
        ...(typeof nginx === 'object' ? nginx : {}),
        name: `${name}-nginx`,
        http: ports.map((p) => `127.0.0.1:${p.http}`),
        grpc: ports.map((p) => `127.0.0.1:${p.grpc}`),
      });
      cluster.push = createPushClient(cluster.lb.grpcTarget);
    }
  } catch (err) {
    await cluster.stop().catch(() => {});
    throw err;
  }
  return cluster;
}

/**
 * One replica's configuration: `config` and `hubs` plus the backplane section (Redis at
 * `addresses`, a Redis Cluster when `redisCluster`), with the shared token secret.
 */
function replicaConfigWithBackplane({
  config = {},
  hubs = DEFAULT_HUBS,
  addresses,
  redisCluster = false,
  replicaId,
  backplane = {},
}) {
  return {
    ...config,
    hubs,
    backplane: {
      type: 'redis',
      addresses,
      cluster: redisCluster,
      token_secret: TOKEN_SECRET,
      replica_id: replicaId,
      ...backplane,
    },
  };
}

/** The sum of every series of counter `name` whose hub label is `hub`. */
async function counterSum(gw, name, hub) {
  const metrics = await scrape(gw);
  let sum = 0;
  for (const [key, value] of metrics) {
    if (key.startsWith(`${name}{`) && key.includes(`hub="${hub}"`)) sum += value;
  }
  return sum;
}

module.exports = { startCluster, replicaConfigWithBackplane, counterSum, TOKEN_SECRET };
