'use strict';
// A real redis-server for the scale-out tests: one server, or a 3-master Redis Cluster, on free
// loopback ports, with persistence off and their files in a temporary directory.
//
//   const redis = await startRedis();            // redis.address -> '127.0.0.1:PORT'
//   await redis.stop(); await redis.start();     // a restart keeps the port
//   const cluster = await startRedisCluster();   // cluster.addresses -> three seed addresses
//
// Every server is registered with gateway.js' trackProcess, so a failing test prints its log
// tail and the test file's exit kills it.

const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { trackProcess } = require('./gateway');
const { freePort } = require('./hub_handler');
const { withTimeout } = require('./clients');

const REDIS_SERVER = process.env.HUBGATE_REDIS_SERVER || '/usr/bin/redis-server';
const REDIS_CLI = process.env.HUBGATE_REDIS_CLI || '/usr/bin/redis-cli';
const READY_RE = /Ready to accept connections/;
const PORT_TAKEN_RE = /Address already in use/;
const START_TIMEOUT_MS = 10000;
const STOP_TIMEOUT_MS = 10000;
const CLUSTER_READY_TIMEOUT_MS = 20000;
// How often `cluster info` is asked while the cluster converges: Redis announces it nowhere
// else, so the state is polled, as the C++ fixture does.
const CLUSTER_POLL_MS = 50;

/** Runs redis-cli with `args`; resolves with its stdout, rejects on a non-zero exit. */
function redisCli(args, { input, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(REDIS_CLI, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** One redis-server process; start() may be called again after stop() and keeps the port. */
class RedisServer {
  constructor({ name = 'redis', dir, extraArgs = [] } = {}) {
    this.name = name;
    this.dir = dir;
    this.extraArgs = extraArgs;
    this.port = undefined;
    this.entry = undefined; // the running process, as trackProcess sees it
    this.generation = 0;
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  get running() {
    return this.entry !== undefined && this.entry.exitCode === undefined;
  }

  /** Starts the server and resolves once it accepts connections. */
  async start() {
    if (this.running) throw new Error(`${this.name} is already running`);
    const firstStart = this.port === undefined;
    for (let attempt = 0; ; attempt += 1) {
      if (firstStart) this.port = await freePort();
      try {
        await this.spawnOnce();
        return this;
      } catch (err) {
        // Another process may take a free port before the server binds it; a fresh one is
        // fine before the first start (a restart must keep its port).
        if (!firstStart || !err.portTaken || attempt >= 2) throw err;
      }
    }
  }

  spawnOnce() {
    this.generation += 1;
    const args = [
      '--port', String(this.port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', this.dir,
      ...this.extraArgs,
    ];
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const entry = {
      name: `${this.name}#${this.generation} (port ${this.port})`,
      process: child,
      output: '',
      exitCode: undefined,
    };
    this.entry = entry;
    trackProcess(entry);
    entry.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        entry.exitCode = code;
        resolve({ code, signal });
      });
    });
    const ready = new Promise((resolve, reject) => {
      const onData = (chunk) => {
        entry.output += chunk.toString('utf8');
        if (READY_RE.test(entry.output)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', reject);
      entry.exited.then(({ code, signal }) => {
        const err = new Error(
          `${entry.name} exited before it was ready (code ${code}, signal ${signal}):\n` +
            entry.output,
        );
        err.portTaken = PORT_TAKEN_RE.test(entry.output);
        reject(err);
      });
    });
    return withTimeout(ready, START_TIMEOUT_MS, `${entry.name} ready`).catch((err) => {
      child.kill('SIGKILL');
      throw err;
    });
  }

  /** Stops the server with `signal` (SIGTERM, or SIGKILL for a crash) and waits for its exit. */
  async stop(signal = 'SIGTERM') {
    if (!this.running) return;
    const { entry } = this;
    entry.process.kill(signal);
    await withTimeout(entry.exited, STOP_TIMEOUT_MS, `exit of ${entry.name}`);
  }

  kill() {
    return this.stop('SIGKILL');
  }

  /** redis-cli against this server; resolves with the output text. */
  cli(...args) {
    return redisCli(['-h', '127.0.0.1', '-p', String(this.port), ...args]);
  }

  logs() {
    return this.entry ? this.entry.output : '';
  }
}

function makeTempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** One started redis-server. `stop()` ends it for good (and removes its directory). */
async function startRedis({ name = 'redis', extraArgs = [] } = {}) {
  const dir = makeTempDir('hubgate-e2e-redis-');
  const server = new RedisServer({ name, dir, extraArgs });
  try {
    await server.start();
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  server.dispose = async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return server;
}

/** Parses `cluster info` text into a plain object. */
function parseClusterInfo(text) {
  const info = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) info[line.slice(0, i)] = line.slice(i + 1);
  }
  return info;
}

/**
 * A Redis Cluster of `masters` masters without replicas (3 by default, the smallest cluster
 * redis-cli creates). Resolves once every node reports `cluster_state:ok`.
 */
async function startRedisCluster({ masters = 3, name = 'redis-cluster' } = {}) {
  const dir = makeTempDir('hubgate-e2e-redis-cluster-');
  const nodes = [];
  const cluster = {
    nodes,
    dir,
    get addresses() {
      return nodes.map((n) => n.address);
    },
    /** redis-cli -c (following redirections) against the first node. */
    cli: (...args) => redisCli(['-c', '-h', '127.0.0.1', '-p', String(nodes[0].port), ...args]),
    /** The address of the master serving the slot of `key` (a channel name, too). */
    async masterOf(key) {
      const slot = Number((await nodes[0].cli('cluster', 'keyslot', key)).trim());
      return cluster.masterOfSlot(slot);
    },
    /** The address of the master serving `slot`, from `cluster nodes`. */
    async masterOfSlot(slot) {
      for (const node of parseClusterNodes(await nodes[0].cli('cluster', 'nodes'))) {
        if (node.slots.some(([from, to]) => slot >= from && slot <= to)) return node.address;
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    /** The slot of each key, asked in one redis-cli run. */
    async slotsOf(keys) {
      const input = keys.map((k) => `CLUSTER KEYSLOT ${JSON.stringify(k)}\n`).join('');
      const out = await redisCli(['-h', '127.0.0.1', '-p', String(nodes[0].port)], { input });
      return out.trim().split(/\r?\n/).map((s) => Number(s.replace(/^\(integer\) /, '')));
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.dispose = cluster.stop;
  try {
    for (let i = 0; i < masters; i += 1) {
      const node = new RedisServer({
        name: `${name}-${i}`,
        dir,
        extraArgs: [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', path.join(dir, `nodes-${i}.conf`),
        ],
      });
      nodes.push(node);
      await node.start();
    }
    await redisCli([
      '--cluster', 'create', ...cluster.addresses,
      '--cluster-replicas', '0', '--cluster-yes',
    ], { timeoutMs: CLUSTER_READY_TIMEOUT_MS });
    await waitForClusterOk(nodes);
  } catch (err) {
    await cluster.stop().catch(() => {});
    throw err;
  }
  return cluster;
}

/** Resolves once every node says `cluster_state:ok` (polled: Redis announces it nowhere). */
async function waitForClusterOk(nodes, timeoutMs = CLUSTER_READY_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (const node of nodes) {
    for (;;) {
      const info = parseClusterInfo(await node.cli('cluster', 'info'));
      if (info.cluster_state === 'ok') break;
      if (Date.now() > deadline) {
        throw new Error(`${node.name}: cluster_state ${info.cluster_state} after ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, CLUSTER_POLL_MS));
    }
  }
}

/** `cluster nodes` lines as {id, address, flags, slots: [[from, to]...]} (masters only). */
function parseClusterNodes(text) {
  const masters = [];
  for (const line of text.trim().split(/\r?\n/)) {
    const parts = line.split(' ');
    const flags = parts[2].split(',');
    if (!flags.includes('master')) continue;
    const slots = parts
      .slice(8)
      .filter((s) => /^\d+(-\d+)?$/.test(s))
      .map((s) => {
        const [from, to = from] = s.split('-').map(Number);
        return [from, to];
      });
    masters.push({ id: parts[0], address: parts[1].split('@')[0], flags, slots });
  }
  return masters;
}

module.exports = {
  RedisServer,
  startRedis,
  startRedisCluster,
  redisCli,
  parseClusterInfo,
  parseClusterNodes,
  REDIS_SERVER,
  REDIS_CLI,
};
