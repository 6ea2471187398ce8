'use strict';
// The HubHandler API seen from Node: proto loading, Value <-> JS conversion, a Describe client
// to wait for a backend's gRPC server, free ports, and a wait on a gateway log line.
//
//   const port = await freePort();
//   await waitForHubHandler(`127.0.0.1:${port}`);          // Describe answers
//   toValue({ a: [1, 'x'] }) / fromValue(value)            // hubgate.v1.Value

const net = require('node:net');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { withTimeout } = require('./clients');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const HUB_HANDLER_PROTO = path.join(REPO_ROOT, 'proto', 'hubgate', 'v1', 'hub_handler.proto');

let packageCache;
/** The hubgate.v1 package (HubHandler, Push and the messages). */
function hubgateV1() {
  if (!packageCache) {
    const definition = protoLoader.loadSync(HUB_HANDLER_PROTO, {
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
      includeDirs: [path.join(REPO_ROOT, 'proto')],
    });
    packageCache = grpc.loadPackageDefinition(definition).hubgate.v1;
  }
  return packageCache;
}

// ---------------------------------------------------------------------------------------------
// hubgate.v1.Value

/** A JS value (from JSON) as a hubgate.v1.Value object for grpc-js. */
function toValue(v) {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  }
  if (typeof v === 'string') return { stringValue: v };
  if (Buffer.isBuffer(v)) return { binaryValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(toValue) } };
  if (typeof v === 'object') {
    const fields = {};
    for (const [k, x] of Object.entries(v)) fields[k] = toValue(x);
    return { mapValue: { fields } };
  }
  throw new Error(`cannot convert ${typeof v} to a Value`);
}

/** A decoded hubgate.v1.Value as a JS value (binary as Buffer, timestamps as ISO text). */
function fromValue(v) {
  if (!v || !v.kind) return null;
  switch (v.kind) {
    case 'nullValue':
      return null;
    case 'boolValue':
      return v.boolValue;
    case 'intValue':
      return Number(v.intValue);
    case 'uintValue':
      return Number(v.uintValue);
    case 'doubleValue':
      return v.doubleValue;
    case 'stringValue':
      return v.stringValue;
    case 'binaryValue':
      return Buffer.from(v.binaryValue);
    case 'timestampValue': {
      const ms = Number(v.timestampValue.seconds) * 1000 + Math.floor(v.timestampValue.nanos / 1e6);
      return new Date(ms).toISOString();
    }
    case 'listValue':
      return (v.listValue.values || []).map(fromValue);
    case 'mapValue': {
      const out = {};
      for (const [k, x] of Object.entries(v.mapValue.fields || {})) out[k] = fromValue(x);
      return out;
    }
    default:
      throw new Error(`unknown Value kind ${v.kind}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Processes and ports

/** A TCP port that was free a moment ago on 127.0.0.1 (bind port 0, read it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves with the HubDescription once a HubHandler at `target` answers Describe; the call
 * waits for the server to come up (waitForReady) and fails after `timeoutMs`.
 */
function waitForHubHandler(target, { hub = '', timeoutMs = 15000 } = {}) {
  const { HubHandler } = hubgateV1();
  const client = new HubHandler(target, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.Describe(
      { hub },
      { deadline: Date.now() + timeoutMs, waitForReady: true },
      (err, description) => {
        client.close();
        if (err) reject(new Error(`HubHandler at ${target} did not answer Describe: ${err.message}`));
        else resolve(description);
      },
    );
  });
}

/**
 * Resolves once the output of a process started by lib/gateway.js (gw.output) matches `re`;
 * checks again on every chunk the process writes.
 */
function waitForLog(gw, re, timeoutMs = 10000) {
  if (re.test(gw.output)) return Promise.resolve();
  let onData;
  const found = new Promise((resolve) => {
    onData = () => {
      // lib/gateway.js appends the chunk in its own listener, registered before this one.
      if (re.test(gw.output)) resolve();
    };
    gw.process.stdout.on('data', onData);
    gw.process.stderr.on('data', onData);
  });
  return withTimeout(found, timeoutMs, `${gw.name} log line ${re}`).finally(() => {
    gw.process.stdout.off('data', onData);
    gw.process.stderr.off('data', onData);
  });
}

/** Resolves once the gateway logged that it has the description of `hub`'s backend. */
function waitForDescription(gw, hub, timeoutMs = 10000) {
  return waitForLog(gw, new RegExp(`hub '${hub}': backend \\S+ describes \\d+ method`), timeoutMs);
}

/**
 * Calls fn() until it resolves, at most every intervalMs, for at most timeoutMs; rejects with
 * the last error. For conditions that only a retry can observe (a gRPC channel reconnecting
 * with back-off, state behind a REST endpoint), never to wait for an event.
 */
async function eventually(fn, { timeoutMs = 15000, intervalMs = 200, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      lastError = err;
    }
    if (Date.now() + intervalMs > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `${what}: not reached within ${timeoutMs} ms; last error: ${lastError && lastError.message}`,
  );
}

/**
 * Resolves once the gateway no longer routes to `connectionId` (a Push.Send to it queues 0):
 * a client's stop() resolves before the gateway has finished tearing the connection down.
 */
function waitUntilGone(gw, hub, connectionId, timeoutMs = 5000) {
  return eventually(
    async () => {
      const r = await gw.grpcClient.send({ hub, method: 'Probe', argumentsJson: '[]', connectionId });
      if (r.queuedConnections !== '0') throw new Error(`still routed (${r.queuedConnections})`);
    },
    { timeoutMs, intervalMs: 20, what: `connection ${connectionId} gone from hub ${hub}` },
  );
}

/** grpc-js status codes by name, for assertions. */
const Status = grpc.status;

module.exports = {
  hubgateV1,
  toValue,
  fromValue,
  freePort,
  waitForHubHandler,
  waitForLog,
  waitForDescription,
  eventually,
  waitUntilGone,
  Status,
  HUB_HANDLER_PROTO,
};
