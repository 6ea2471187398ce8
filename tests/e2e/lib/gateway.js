'use strict';
// Starts the real hubgate binary for a test file and gives it a gRPC Push API client.
//
//   const gw = await startGateway({ config: { hubs: [{ name: 'posts' }] }, workers: 2 });
//   gw.httpUrl            -> 'http://127.0.0.1:PORT'
//   await gw.grpcClient.send({ hub: 'posts', method: 'M', all: {} })
//   const code = await gw.stop();   // SIGTERM, waits for the exit, returns the exit code
//
// The gateway's output (stdout and stderr) is kept in gw.logs(); `test` below appends the tail
// of every gateway started by the file to a failing test's error.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const nodeTest = require('node:test');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const GATEWAY_BIN =
  process.env.HUBGATE_BIN || path.join(REPO_ROOT, 'build', 'release', 'gateway', 'hubgate');
const CLI_BIN =
  process.env.HUBGATE_CLI_BIN || path.join(REPO_ROOT, 'build', 'release', 'cli', 'hubgate-cli');
const PROTO_FILE = path.join(REPO_ROOT, 'proto', 'hubgate', 'v1', 'push.proto');

const READY_RE = /ready: http=(\d+) grpc=(\d+) admin=(\d+)/;
const READY_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 15000;

// Every gateway process of this test file, for log dumps and for a last-resort kill.
const started = new Set();
process.on('exit', () => {
  for (const gw of started) {
    if (gw.exitCode === undefined) {
      try {
        gw.process.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

// ---------------------------------------------------------------------------------------------
// YAML (block style; strings double-quoted, which YAML reads like JSON strings)

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function yamlScalar(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`cannot write ${typeof v} as YAML`);
}

function yamlKey(k) {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k);
}

function yamlLines(value, indent) {
  const pad = ' '.repeat(indent);
  const lines = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isPlainObject(item) || Array.isArray(item)) {
        const sub = yamlLines(item, indent + 2);
        if (sub.length === 0) {
          lines.push(`${pad}- ${Array.isArray(item) ? '[]' : '{}'}`);
        } else {
          lines.push(`${pad}- ${sub[0].slice(indent + 2)}`);
          lines.push(...sub.slice(1));
        }
      } else {
        lines.push(`${pad}- ${yamlScalar(item)}`);
      }
    }
    return lines;
  }
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (isPlainObject(v) || Array.isArray(v)) {
      const sub = yamlLines(v, indent + 2);
      if (sub.length === 0) {
        lines.push(`${pad}${yamlKey(k)}: ${Array.isArray(v) ? '[]' : '{}'}`);
      } else {
        lines.push(`${pad}${yamlKey(k)}:`);
        lines.push(...sub);
      }
    } else {
      lines.push(`${pad}${yamlKey(k)}: ${yamlScalar(v)}`);
    }
  }
  return lines;
}

function toYaml(config) {
  return `${yamlLines(config, 0).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// gRPC client

let pushDefinition;
function loadPushService() {
  if (!pushDefinition) {
    const packageDefinition = protoLoader.loadSync(PROTO_FILE, {
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
      includeDirs: [path.join(REPO_ROOT, 'proto')],
    });
    pushDefinition = grpc.loadPackageDefinition(packageDefinition).hubgate.v1.Push;
  }
  return pushDefinition;
}

// A Push API client whose methods return promises: send, addToGroup, removeFromGroup,
// invokeClient. Options: `apiKey` (sent as "authorization: Bearer <key>", or in `apiKeyHeader`),
// `credentials` (grpc.credentials.createSsl(...) for a TLS Push API; default plaintext).
function createPushClient(target, { apiKey, apiKeyHeader = 'authorization', credentials } = {}) {
  const Push = loadPushService();
  const raw = new Push(target, credentials || grpc.credentials.createInsecure());
  const metadata = () => {
    const m = new grpc.Metadata();
    if (apiKey !== undefined) {
      m.set(apiKeyHeader, apiKeyHeader === 'authorization' ? `Bearer ${apiKey}` : apiKey);
    }
    return m;
  };
  const call = (method) => (request, { timeoutMs = 10000 } = {}) =>
    new Promise((resolve, reject) => {
      raw[method](request, metadata(), { deadline: Date.now() + timeoutMs }, (err, response) => {
        if (err) reject(err);
        else resolve(response);
      });
    });
  return {
    raw,
    send: call('Send'),
    addToGroup: call('AddToGroup'),
    removeFromGroup: call('RemoveFromGroup'),
    invokeClient: call('InvokeClient'),
    close: () => raw.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// The gateway process

const DEFAULT_HUBS = [{ name: 'posts', path: '/hubs/posts' }];

/**
 * Starts hubgate with `config` (written as YAML to a temporary file). Listeners are on
 * 127.0.0.1 port 0 (the ports come from the "ready:" log line), except the Push API when
 * `grpcListen` is given (e.g. '127.0.0.1:PORT', for a backend started before the gateway).
 * `pushApiKey` / `grpcCredentials` configure gw.grpcClient (see createPushClient).
 */
async function startGateway({
  config = {},
  grpcListen = '127.0.0.1:0',
  workers = 2,
  logLevel = 'debug',
  env = {},
  extraArgs = [],
  name = 'gateway',
  pushApiKey,
  grpcCredentials,
} = {}) {
  const fullConfig = { ...config };
  if (!fullConfig.hubs) fullConfig.hubs = DEFAULT_HUBS;
  fullConfig.http = { ...(fullConfig.http || {}), listen: '127.0.0.1:0' };
  fullConfig.grpc = { ...(fullConfig.grpc || {}), listen: grpcListen };
  fullConfig.admin = { listen: '127.0.0.1:0', ...(fullConfig.admin || {}) };
  // Tests stop gateways often: spread the shutdown Closes over a short window unless a test
  // sets its own.
  fullConfig.shutdown = { drain_window: '100ms', deadline: '10s', ...(fullConfig.shutdown || {}) };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-e2e-'));
  const configFile = path.join(dir, 'hubgate.yaml');
  fs.writeFileSync(configFile, toYaml(fullConfig));

  if (!fs.existsSync(GATEWAY_BIN)) {
    throw new Error(`gateway binary not found at ${GATEWAY_BIN} (build it or set HUBGATE_BIN)`);
  }

  // The environment must not override the test's configuration.
  const childEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) {
    if (key.startsWith('HUBGATE_')) delete childEnv[key];
  }
  Object.assign(childEnv, env);

  const args = [
    `--config=${configFile}`,
    '--http_listen=127.0.0.1:0',
    `--grpc_listen=${grpcListen}`,
    `--workers=${workers}`,
    `--log_level=${logLevel}`,
    ...extraArgs,
  ];
  const child = spawn(GATEWAY_BIN, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });

  const gw = {
    name,
    process: child,
    configFile,
    config: fullConfig,
    exitCode: undefined,
    exitSignal: undefined,
    output: '',
    logWaiters: new Set(),
  };
  started.add(gw);

  const exited = new Promise((resolve) => {
    // 'close' (not 'exit'): the output streams are complete by then.
    child.on('close', (code, signal) => {
      gw.exitCode = code;
      gw.exitSignal = signal;
      resolve({ code, signal });
    });
  });
  gw.exited = exited;

  const ready = new Promise((resolve, reject) => {
    let settled = false;
    const onData = (chunk) => {
      gw.output += chunk.toString('utf8');
      for (const waiter of [...gw.logWaiters]) waiter();
      if (!settled) {
        const m = READY_RE.exec(gw.output);
        if (m) {
          settled = true;
          clearTimeout(timer);
          resolve({ http: Number(m[1]), grpc: Number(m[2]), admin: Number(m[3]) });
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(err);
      }
    });
    exited.then(({ code, signal }) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(
          new Error(
            `${name} exited before it was ready (code ${code}, signal ${signal})\n` +
              `--- config ---\n${toYaml(fullConfig)}--- output ---\n${gw.output}`,
          ),
        );
      }
    });
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        child.kill('SIGKILL');
        reject(new Error(`${name} not ready within ${READY_TIMEOUT_MS} ms\n${gw.output}`));
      }
    }, READY_TIMEOUT_MS);
  });

  let ports;
  try {
    ports = await ready;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  gw.httpPort = ports.http;
  gw.grpcPort = ports.grpc;
  gw.httpUrl = `http://127.0.0.1:${ports.http}`;
  gw.wsUrl = `ws://127.0.0.1:${ports.http}`;
  gw.grpcTarget = `127.0.0.1:${ports.grpc}`;
  gw.adminPort = ports.admin;
  gw.adminUrl = `http://127.0.0.1:${ports.admin}`;
  gw.grpcClient = createPushClient(gw.grpcTarget, {
    apiKey: pushApiKey,
    credentials: grpcCredentials,
  });
  gw.logs = () => gw.output;
  /** Resolves once the gateway's output matches `pattern`; rejects after `timeoutMs`. */
  gw.waitForLog = (pattern, timeoutMs = 10000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(gw.output);
        if (m) {
          gw.logWaiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        gw.logWaiters.delete(check);
        reject(new Error(`no log line matching ${pattern} within ${timeoutMs} ms`));
      }, timeoutMs);
      gw.logWaiters.add(check);
      check();
    });
  gw.logTail = (lines = 60) => gw.output.split('\n').slice(-lines).join('\n');
  gw.hubUrl = (hubPath) => `${gw.httpUrl}${hubPath}`;

  let stopping;
  /** SIGTERM, wait for the exit; resolves with the exit code (null if killed by a signal). */
  gw.stop = () => {
    if (!stopping) {
      stopping = (async () => {
        gw.grpcClient.close();
        if (gw.exitCode === undefined) {
          child.kill('SIGTERM');
          let timer;
          const timedOut = new Promise((resolve) => {
            timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
          });
          const result = await Promise.race([exited, timedOut]);
          clearTimeout(timer);
          if (result === 'timeout') {
            child.kill('SIGKILL');
            await exited;
            throw new Error(
              `${name} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n${gw.logTail(80)}`,
            );
          }
        }
        fs.rmSync(dir, { recursive: true, force: true });
        return gw.exitCode;
      })();
    }
    return stopping;
  };
  return gw;
}

// ---------------------------------------------------------------------------------------------
// node:test wrapper: a failing test's error carries the tail of the gateways' logs.

function appendLogs(err) {
  if (started.size === 0) return err;
  let text = '';
  for (const gw of started) {
    text += `\n--- ${gw.name} (pid ${gw.process.pid}) log tail ---\n${gw.output
      .split('\n')
      .slice(-60)
      .join('\n')}`;
  }
  if (err instanceof Error) {
    try {
      // Reporters print the stack, which some errors (AssertionError) format eagerly.
      const stackHadMessage = typeof err.stack === 'string' && err.stack.includes(err.message);
      err.message += text;
      if (typeof err.stack === 'string' && !err.stack.includes(text)) {
        err.stack = stackHadMessage ? `${err.stack}${text}` : err.stack;
      }
    } catch {
      // read-only properties: print instead
      console.error(text);
    }
    return err;
  }
  console.error(text);
  return err;
}

function wrap(fn) {
  return async function wrapped(t) {
    try {
      return await fn(t);
    } catch (err) {
      throw appendLogs(err);
    }
  };
}

/** Same signature as node:test's test(name, [options], fn). */
function test(name, options, fn) {
  if (typeof options === 'function') {
    return nodeTest.test(name, wrap(options));
  }
  return nodeTest.test(name, options, wrap(fn));
}

/**
 * Adds another process (shape {name, process, output, exitCode}) to the set whose log tails a
 * failing test prints and which is killed when the test file's process exits.
 */
function trackProcess(entry) {
  started.add(entry);
}

/** The gRPC error of `promise` (with its `code` and `details`); throws if the call succeeds. */
async function grpcError(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded');
}

module.exports = {
  grpc,
  grpcError,
  startGateway,
  trackProcess,
  createPushClient,
  test,
  toYaml,
  GATEWAY_BIN,
  CLI_BIN,
  PROTO_FILE,
  REPO_ROOT,
};
