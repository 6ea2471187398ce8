'use strict';
// A HubHandler backend in Node (@grpc/grpc-js) for the behaviour the example backends do not
// cover. It records every call as an event; tests wait on events, never on time.
//
//   const backend = await startTestBackend();               // 127.0.0.1, port 0 unless given
//   config: { hubs: [{ name: 'h', path: '/hubs/h', backend_target: backend.target }] }
//   const ev = await backend.waitFor((e) => e.type === 'invoke' && e.method === 'Record');
//   await backend.stop();  await backend.start();          // same port again
//
// Methods (Describe):
//   Echo(...args)       invoke: returns args[0] (several arguments: the list)
//   EchoValue(x)        invoke: returns x exactly as received (the hubgate.v1.Value, untouched)
//   Void()              invoke: returns nothing
//   Fail(message?, type?) invoke: HubError `message` (default "Fail was called."), with the
//                       exception type name `type` when given
//   Crash()             invoke: gRPC INTERNAL "crashed on purpose"
//   Slow()              invoke: never answers (the gateway's deadline ends it); records the cancel
//   Delay(tag, ms)      invoke: answers `tag` after `ms`; records 'invoke-done' {tag}
//   Context()           invoke: returns the call's CallContext as a map
//   Count(n)            stream: items 0..n-1, then the end
//   Forever()           stream: an item every 20 ms until cancelled; records 'stream-cancelled'
//   StreamFail(n, msg, type?) stream: items 0..n-1, then HubError `msg` (of type `type`)
//   StreamCrash(n)      stream: items 0..n-1, then gRPC INTERNAL
//   Sum(start?, s)      invoke with 1 upload stream: start + the sum of the stream's items;
//                       HubError "Upload failed: <error>" when the client's stream fails
//   Record(...args)     send target: records the call, returns nothing
//   Morph(...)          not described by default (see `methods`): as an invoke returns
//                       'invoke'; as a stream yields its arguments
//
// Options: `methods` replaces the description (e.g. [...METHODS, MORPH_AS_STREAM]), so a
// restarted backend can describe itself differently; `tls: {key, cert, ca?}` (PEM text) serves
// over TLS, with `ca` also requiring and checking a client certificate.
//
// OnConnected: query reject=1 -> rejection "Rejected by test backend."; crash=1 -> gRPC
// INTERNAL; delay=MS -> answers after MS. Records 'connected' {context} when it answers.
// `backend.onConnectedHook = async (context) => {...}` runs before the answer (as ASP.NET code
// awaits Groups.AddToGroupAsync in OnConnectedAsync); it throwing answers gRPC INTERNAL.
// OnDisconnected: records 'disconnected' {connectionId, error, context}.
//
// Events: {type, seq, ...}; types: describe, connected, disconnected, invoke (method, args,
// invocationId, context), invoke-done, cancelled (method, invocationId), stream-start,
// stream-cancelled, upload-start, upload-item, upload-complete.

const grpc = require('@grpc/grpc-js');
const { hubgateV1, toValue, fromValue, waitForDescription } = require('./hub_handler');
const { startGateway } = require('./gateway');
const { withTimeout, deferred } = require('./clients');

const METHODS = [
  { name: 'Echo', kind: 'KIND_INVOKE' },
  { name: 'EchoValue', kind: 'KIND_INVOKE' },
  { name: 'Void', kind: 'KIND_INVOKE' },
  { name: 'Fail', kind: 'KIND_INVOKE' },
  { name: 'Crash', kind: 'KIND_INVOKE' },
  { name: 'Slow', kind: 'KIND_INVOKE' },
  { name: 'Delay', kind: 'KIND_INVOKE' },
  { name: 'Context', kind: 'KIND_INVOKE' },
  { name: 'Count', kind: 'KIND_STREAM' },
  { name: 'Forever', kind: 'KIND_STREAM' },
  { name: 'StreamFail', kind: 'KIND_STREAM' },
  { name: 'StreamCrash', kind: 'KIND_STREAM' },
  { name: 'Sum', kind: 'KIND_INVOKE', uploadStreams: 1 },
  { name: 'Record', kind: 'KIND_INVOKE' },
];

const FOREVER_INTERVAL_MS = 20;

/** The CallContext as a plain object (maps as objects). */
function plainContext(context) {
  const c = context || {};
  return {
    hub: c.hub,
    connectionId: c.connectionId,
    userId: c.userId,
    claims: { ...(c.claims || {}) },
    transport: c.transport,
    protocol: c.protocol,
    query: { ...(c.query || {}) },
    headers: { ...(c.headers || {}) },
  };
}

class TestBackend {
  constructor({ host = '127.0.0.1', port = 0, methods = METHODS, tls = undefined } = {}) {
    this.host = host;
    this.port = port;
    this.methods = methods;
    this.tls = tls;
    this.events = [];
    this.seq = 0;
    this.waiters = new Set();
    this.server = undefined;
    this.output = ''; // for lib/gateway.js trackProcess-style log dumps
    this.openCalls = new Map(); // running Forever streams -> cleanup, run on stop()
    this.onConnectedHook = undefined; // async (context) => void, awaited before answering
  }

  get target() {
    return `${this.host}:${this.port}`;
  }

  // ------------------------------------------------------------------------------------------
  // Events

  record(event) {
    const e = { seq: ++this.seq, at: Date.now(), ...event };
    this.events.push(e);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(e)) {
        this.waiters.delete(waiter);
        waiter.resolve(e);
      }
    }
    return e;
  }

  /**
   * Resolves with the first event (already recorded or future) matching predicate(event);
   * rejects after timeoutMs. `after`: only events with seq > after.
   */
  waitFor(predicate, { timeoutMs = 5000, what = 'a backend event', after = 0 } = {}) {
    const found = this.events.find((e) => e.seq > after && predicate(e));
    if (found) return Promise.resolve(found);
    const d = deferred();
    const waiter = { predicate: (e) => e.seq > after && predicate(e), resolve: d.resolve };
    this.waiters.add(waiter);
    return withTimeout(d.promise, timeoutMs, `${what}; events so far: ${this.describeEvents()}`).finally(
      () => this.waiters.delete(waiter),
    );
  }

  /** Events of one type (optionally filtered). */
  of(type, predicate = () => true) {
    return this.events.filter((e) => e.type === type && predicate(e));
  }

  describeEvents() {
    return JSON.stringify(
      this.events.slice(-15).map((e) => ({
        type: e.type,
        method: e.method,
        connectionId: e.connectionId || (e.context && e.context.connectionId),
        invocationId: e.invocationId,
        args: e.args,
        error: e.error,
      })),
    ).slice(0, 1500);
  }

  // ------------------------------------------------------------------------------------------
  // Server

  start() {
    const { HubHandler } = hubgateV1();
    const server = new grpc.Server();
    server.addService(HubHandler.service, {
      Describe: (call, callback) => this.describe(call, callback),
      OnConnected: (call, callback) => this.onConnected(call, callback),
      OnDisconnected: (call, callback) => this.onDisconnected(call, callback),
      Invoke: (call, callback) => this.invoke(call, callback),
      StreamInvoke: (call) => this.streamInvoke(call),
      InvokeWithUploads: (call, callback) => this.invokeWithUploads(call, callback),
    });
    return new Promise((resolve, reject) => {
      server.bindAsync(
        `${this.host}:${this.port}`,
        this.tls
          ? grpc.ServerCredentials.createSsl(
              this.tls.ca ? Buffer.from(this.tls.ca) : null,
              [{ private_key: Buffer.from(this.tls.key), cert_chain: Buffer.from(this.tls.cert) }],
              Boolean(this.tls.ca),
            )
          : grpc.ServerCredentials.createInsecure(),
        (err, port) => {
          if (err) {
            reject(err);
            return;
          }
          this.port = port;
          this.server = server;
          resolve(this);
        },
      );
    });
  }

  /** Stops at once: open calls are cancelled, the port is released. */
  stop() {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    for (const cleanup of this.openCalls.values()) cleanup();
    this.openCalls.clear();
    server.forceShutdown();
    return Promise.resolve();
  }

  // ------------------------------------------------------------------------------------------
  // RPCs

  describe(call, callback) {
    this.record({ type: 'describe', hub: call.request.hub });
    callback(null, {
      methods: this.methods.map((m) => ({ name: m.name, kind: m.kind, uploadStreams: m.uploadStreams || 0 })),
    });
  }

  onConnected(call, callback) {
    const context = plainContext(call.request.context);
    const answer = () => {
      if (context.query.crash === '1') {
        this.record({ type: 'connected', context, outcome: 'crash' });
        callback({ code: grpc.status.INTERNAL, details: 'OnConnected crashed on purpose' });
      } else if (context.query.reject === '1') {
        this.record({ type: 'connected', context, outcome: 'rejected' });
        callback(null, { rejection: 'Rejected by test backend.' });
      } else {
        this.record({ type: 'connected', context, outcome: 'accepted' });
        callback(null, {});
      }
    };
    const hooked = () => {
      if (!this.onConnectedHook) {
        answer();
        return;
      }
      Promise.resolve()
        .then(() => this.onConnectedHook(context))
        .then(answer, (err) => {
          this.record({ type: 'connected', context, outcome: 'hook-failed', error: String(err) });
          callback({ code: grpc.status.INTERNAL, details: `OnConnected hook failed: ${err}` });
        });
    };
    const delay = Number(context.query.delay || 0);
    if (delay > 0) setTimeout(hooked, delay).unref();
    else hooked();
  }

  onDisconnected(call, callback) {
    const context = plainContext(call.request.context);
    this.record({
      type: 'disconnected',
      connectionId: context.connectionId,
      error: call.request.error,
      context,
    });
    callback(null, {});
  }

  invoke(call, callback) {
    const request = call.request;
    const args = (request.arguments || []).map(fromValue);
    const context = plainContext(request.context);
    const base = { method: request.method, invocationId: request.invocationId };
    this.record({ type: 'invoke', ...base, args, context });
    const result = (value) => callback(null, { result: toValue(value) });
    const hubError = (message, type) => callback(null, { error: { message, type: type || '' } });
    switch (request.method) {
      case 'Echo':
        return result(args.length === 1 ? args[0] : args);
      case 'EchoValue':
        return callback(null, { result: (request.arguments || [])[0] || { nullValue: 'NULL_VALUE' } });
      case 'Void':
      case 'Record':
        return callback(null, {});
      case 'Fail':
        return hubError(
          args.length > 0 && typeof args[0] === 'string' ? args[0] : 'Fail was called.',
          typeof args[1] === 'string' ? args[1] : '',
        );
      case 'Crash':
        return callback({ code: grpc.status.INTERNAL, details: 'crashed on purpose' });
      case 'Slow':
        // Never answered: the gateway's deadline cancels the call.
        call.on('cancelled', () => this.record({ type: 'cancelled', ...base }));
        return undefined;
      case 'Delay': {
        const [tag, ms] = args;
        setTimeout(() => {
          this.record({ type: 'invoke-done', ...base, tag });
          result(tag);
        }, Number(ms) || 0);
        return undefined;
      }
      case 'Context':
        return result(context);
      case 'Morph':
        return result('invoke');
      default:
        return callback({ code: grpc.status.UNIMPLEMENTED, details: `unknown method ${request.method}` });
    }
  }

  streamInvoke(call) {
    const request = call.request;
    const args = (request.arguments || []).map(fromValue);
    const base = { method: request.method, invocationId: request.invocationId };
    this.record({ type: 'stream-start', ...base, args, context: plainContext(request.context) });
    const item = (v) => call.write({ item: toValue(v) });
    switch (request.method) {
      case 'Count': {
        const n = Number(args[0]) || 0;
        for (let i = 0; i < n; i += 1) item(i);
        call.end();
        return;
      }
      case 'Morph':
        for (const a of args) item(a);
        call.end();
        return;
      case 'StreamFail': {
        const n = Number(args[0]) || 0;
        for (let i = 0; i < n; i += 1) item(i);
        call.write({
          error: {
            message: typeof args[1] === 'string' ? args[1] : 'stream broke',
            type: typeof args[2] === 'string' ? args[2] : '',
          },
        });
        call.end();
        return;
      }
      case 'StreamCrash': {
        const n = Number(args[0]) || 0;
        for (let i = 0; i < n; i += 1) item(i);
        call.emit('error', { code: grpc.status.INTERNAL, details: 'stream crashed on purpose' });
        return;
      }
      case 'Forever': {
        let n = 0;
        let timer;
        const tick = () => {
          if (call.cancelled || call.writableEnded) return;
          item(n);
          n += 1;
          timer = setTimeout(tick, FOREVER_INTERVAL_MS);
        };
        this.openCalls.set(call, () => clearTimeout(timer));
        call.on('cancelled', () => {
          clearTimeout(timer);
          this.openCalls.delete(call);
          this.record({ type: 'stream-cancelled', ...base, sent: n });
        });
        tick();
        return;
      }
      default:
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: `unknown stream ${request.method}` });
    }
  }

  invokeWithUploads(call, callback) {
    let invocation;
    let args = [];
    let base = {};
    const items = [];
    let answered = false;
    const answer = (err, response) => {
      if (answered) return;
      answered = true;
      callback(err, response);
    };
    call.on('data', (message) => {
      switch (message.message) {
        case 'invocation':
          invocation = message.invocation;
          args = (invocation.arguments || []).map(fromValue);
          base = { method: invocation.method, invocationId: invocation.invocationId };
          this.record({
            type: 'upload-start',
            ...base,
            args,
            context: plainContext(invocation.context),
          });
          break;
        case 'item': {
          const value = fromValue(message.item.item);
          items.push(value);
          this.record({ type: 'upload-item', ...base, streamIndex: message.item.streamIndex, item: value });
          break;
        }
        case 'completion': {
          const { streamIndex, error } = message.completion;
          this.record({ type: 'upload-complete', ...base, streamIndex, error, items: [...items] });
          if (!invocation || invocation.method !== 'Sum') {
            answer({ code: grpc.status.UNIMPLEMENTED, details: 'unknown upload method' });
          } else if (error) {
            answer(null, { error: { message: `Upload failed: ${error}` } });
          } else {
            const start = typeof args[0] === 'number' ? args[0] : 0;
            answer(null, { result: toValue(items.reduce((a, b) => a + Number(b), start)) });
          }
          break;
        }
        default:
          break;
      }
    });
    call.on('cancelled', () => this.record({ type: 'cancelled', ...base }));
    call.on('end', () => {
      if (!answered) answer({ code: grpc.status.INVALID_ARGUMENT, details: 'upload ended without completion' });
    });
  }
}

/** Starts a TestBackend; resolves once it listens. */
async function startTestBackend(options = {}) {
  const backend = new TestBackend(options);
  await backend.start();
  return backend;
}

/**
 * Starts a TestBackend, then a gateway whose `hubs` (each {name, ...hub keys}; path defaults to
 * /hubs/<name>) use it, and waits until the gateway has the backend's description of each hub.
 * Resolves with {backend, gw}.
 */
async function startGatewayWithTestBackend({ hubs, config = {}, workers = 2, backendPort = 0 }) {
  const backend = await startTestBackend({ port: backendPort });
  let gw;
  try {
    gw = await startGateway({
      workers,
      config: {
        ...config,
        hubs: hubs.map((h) => ({ path: `/hubs/${h.name}`, backend_target: backend.target, ...h })),
      },
    });
    await Promise.all(
      hubs.filter((h) => h.backend_target !== '').map((h) => waitForDescription(gw, h.name)),
    );
  } catch (err) {
    if (gw) await gw.stop().catch(() => {});
    await backend.stop();
    throw err;
  }
  return { backend, gw };
}

const MORPH_AS_INVOKE = { name: 'Morph', kind: 'KIND_INVOKE' };
const MORPH_AS_STREAM = { name: 'Morph', kind: 'KIND_STREAM' };

module.exports = {
  startTestBackend,
  startGatewayWithTestBackend,
  TestBackend,
  METHODS,
  MORPH_AS_INVOKE,
  MORPH_AS_STREAM,
};
