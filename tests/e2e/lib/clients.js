'use strict';
// Client helpers: the official @microsoft/signalr client, a raw `ws` client for protocol-level
// tests, negotiate over fetch, and JWT minting. Every wait has a timeout that fails the test.

const assert = require('node:assert/strict');
const signalR = require('@microsoft/signalr');
const { MessagePackHubProtocol } = require('@microsoft/signalr-protocol-msgpack');
const WebSocket = require('ws');
const jwt = require('jsonwebtoken');

const RS = '\x1e';
const DEFAULT_TIMEOUT_MS = 5000;

// The transport x protocol matrix: scripts/test.sh runs the official-client test files once per
// combination, selected by these variables (unset: WebSockets and JSON). A test that sets
// options.transport / options.protocol itself keeps its choice.
const MATRIX_TRANSPORT = process.env.HUBGATE_E2E_TRANSPORT || 'WebSockets';
const MATRIX_PROTOCOL = process.env.HUBGATE_E2E_PROTOCOL || 'json';
if (!(MATRIX_TRANSPORT in signalR.HttpTransportType)) {
  throw new Error(`HUBGATE_E2E_TRANSPORT: unknown transport ${MATRIX_TRANSPORT}`);
}
if (MATRIX_PROTOCOL !== 'json' && MATRIX_PROTOCOL !== 'messagepack') {
  throw new Error(`HUBGATE_E2E_PROTOCOL: expected json or messagepack, got ${MATRIX_PROTOCOL}`);
}
const matrix = { transport: MATRIX_TRANSPORT, protocol: MATRIX_PROTOCOL };

/**
 * A binary value as the current protocol delivers it: bytes (Uint8Array) under MessagePack,
 * a base64 string under JSON. For assertions: normalise(received) === normalise(expected).
 */
function binaryAsReceived(bytes, protocol = MATRIX_PROTOCOL) {
  return protocol === 'messagepack' ? new Uint8Array(bytes) : Buffer.from(bytes).toString('base64');
}

/** Rejects with a descriptive error when `promise` does not settle within `ms`. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A promise with its resolve/reject exposed. */
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// ---------------------------------------------------------------------------------------------
// Official SignalR client

/**
 * Builds (does not start) a HubConnection.
 * options: accessToken (string) or accessTokenFactory, skipNegotiation (implies WebSockets),
 * transport, reconnect (array of delays for withAutomaticReconnect), serverTimeoutMs,
 * headers (sent on every request, the WebSocket upgrade included).
 */
function buildConnection(url, options = {}) {
  const httpOptions = {};
  if (options.headers) httpOptions.headers = options.headers;
  if (options.accessToken !== undefined) {
    const token = options.accessToken;
    httpOptions.accessTokenFactory = () => token;
  }
  if (options.accessTokenFactory) httpOptions.accessTokenFactory = options.accessTokenFactory;
  if (options.skipNegotiation) {
    httpOptions.skipNegotiation = true;
    httpOptions.transport = signalR.HttpTransportType.WebSockets;
  }
  if (options.transport !== undefined) {
    httpOptions.transport = options.transport;
  } else if (!options.skipNegotiation && MATRIX_TRANSPORT !== 'WebSockets') {
    httpOptions.transport = signalR.HttpTransportType[MATRIX_TRANSPORT];
  }
  if (options.httpClient) httpOptions.httpClient = options.httpClient;
  let builder = new signalR.HubConnectionBuilder()
    .withUrl(url, httpOptions)
    .configureLogging(signalR.LogLevel.None);
  const protocol = options.protocol || MATRIX_PROTOCOL;
  if (protocol === 'messagepack') builder = builder.withHubProtocol(new MessagePackHubProtocol());
  if (options.reconnect) builder = builder.withAutomaticReconnect(options.reconnect);
  if (options.statefulReconnect) {
    builder = builder.withStatefulReconnect(
      options.statefulReconnect === true ? undefined : options.statefulReconnect,
    );
  }
  const connection = builder.build();
  if (options.serverTimeoutMs) connection.serverTimeoutInMilliseconds = options.serverTimeoutMs;
  // Record the close so tests can assert on it (and on its absence).
  connection.closedWith = undefined;
  connection.closed = new Promise((resolve) => {
    connection.onclose((error) => {
      connection.closedWith = { error };
      resolve(error);
    });
  });
  return connection;
}

/** An HttpClient for the official client that records the negotiate answers it receives. */
class RecordingHttpClient extends signalR.DefaultHttpClient {
  constructor() {
    super(signalR.NullLogger.instance);
    this.negotiations = [];
  }

  async send(request) {
    const response = await super.send(request);
    if (request.url.includes('/negotiate')) {
      this.negotiations.push({ url: request.url, status: response.statusCode, body: JSON.parse(response.content) });
    }
    return response;
  }
}

/** Builds and starts a HubConnection; rejects if start() fails or takes too long. */
async function connect(url, options = {}) {
  const connection = buildConnection(url, options);
  await withTimeout(connection.start(), options.timeoutMs || 10000, `start() of ${url}`);
  return connection;
}

/** Stops connections, ignoring ones already stopped. */
async function stopAll(connections) {
  await Promise.all(
    connections.filter(Boolean).map((c) => (c.stop ? c.stop().catch(() => {}) : c.close())),
  );
}

/**
 * Resolves with the argument array of the next call of client method `method` (optionally the
 * first one matching `predicate(args)`).
 */
function waitFor(connection, method, { timeoutMs = DEFAULT_TIMEOUT_MS, predicate } = {}) {
  let handler;
  const received = new Promise((resolve) => {
    handler = (...args) => {
      if (!predicate || predicate(args)) resolve(args);
    };
    connection.on(method, handler);
  });
  return withTimeout(received, timeoutMs, `client method '${method}'`).finally(() =>
    connection.off(method, handler),
  );
}

/**
 * Records every call of the given client methods, in arrival order.
 * collector.events: [{method, args}]; of(method): argument arrays of that method;
 * waitUntil(predicate, timeoutMs, what): resolves once predicate(events) is true.
 */
function collect(connection, methods) {
  const events = [];
  const waiters = new Set();
  const check = () => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate(events)) {
        waiters.delete(waiter);
        waiter.resolve(events);
      }
    }
  };
  for (const method of methods) {
    connection.on(method, (...args) => {
      events.push({ method, args });
      check();
    });
  }
  return {
    events,
    of(method) {
      return events.filter((e) => e.method === method).map((e) => e.args);
    },
    waitUntil(predicate, timeoutMs = DEFAULT_TIMEOUT_MS, what = 'collected messages') {
      if (predicate(events)) return Promise.resolve(events);
      const d = deferred();
      const waiter = { predicate, resolve: d.resolve };
      waiters.add(waiter);
      return withTimeout(d.promise, timeoutMs, what).finally(() => waiters.delete(waiter));
    },
    waitForCount(method, count, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return this.waitUntil(
        (evs) => evs.filter((e) => e.method === method).length >= count,
        timeoutMs,
        `${count} call(s) of '${method}'`,
      );
    },
  };
}

/**
 * Subscribes to a stream() result and records it. Returns
 * {items, subscription, ended (resolves {items, error} on completion or error; times out),
 * nItems(n) (resolves once n items arrived)}.
 */
function subscribeStream(streamResult, { timeoutMs = DEFAULT_TIMEOUT_MS, what = 'stream' } = {}) {
  const items = [];
  const end = deferred();
  const countWaiters = new Set();
  const subscription = streamResult.subscribe({
    next: (item) => {
      items.push(item);
      for (const w of [...countWaiters]) {
        if (items.length >= w.n) {
          countWaiters.delete(w);
          w.resolve(items.slice());
        }
      }
    },
    complete: () => end.resolve({ items, error: undefined }),
    error: (error) => end.resolve({ items, error }),
  });
  return {
    items,
    subscription,
    ended: (ms = timeoutMs) => withTimeout(end.promise, ms, `end of ${what}`),
    nItems(n, ms = timeoutMs) {
      if (items.length >= n) return Promise.resolve(items.slice());
      const d = deferred();
      const w = { n, resolve: d.resolve };
      countWaiters.add(w);
      // An early end fails the wait instead of timing out.
      end.promise.then(({ error }) =>
        d.reject(new Error(`${what} ended after ${items.length} item(s) (waiting for ${n}): ${error}`)),
      );
      return withTimeout(d.promise, ms, `${n} item(s) of ${what}`).finally(() => countWaiters.delete(w));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Raw WebSocket client

/** Converts http(s):// to ws(s)://. */
function toWs(url) {
  return url.replace(/^http/, 'ws');
}

class RawClient {
  constructor(ws, url) {
    this.ws = ws;
    this.url = url;
    this.received = []; // every parsed message, in order (JSON objects, or {unparsable: text})
    this.queue = []; // not yet taken by next()
    this.frames = []; // {isBinary, length}
    this.partial = '';
    this.waiters = new Set();
    this.closeInfo = undefined;
    const closed = deferred();
    this.closedPromise = closed.promise;
    ws.on('message', (data, isBinary) => this._onFrame(data, isBinary));
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString() };
      closed.resolve(this.closeInfo);
      this._notify();
    });
    ws.on('error', (err) => {
      this.error = err;
    });
  }

  /** Opens a WebSocket; rejects with err.statusCode set if the upgrade is refused. */
  static connect(url, { headers = {}, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
    const wsUrl = toWs(url);
    const ws = new WebSocket(wsUrl, { headers });
    const client = new RawClient(ws, wsUrl);
    const opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (req, res) => {
        const err = new Error(`WebSocket upgrade refused with HTTP ${res.statusCode}`);
        err.statusCode = res.statusCode;
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => {
          err.body = body;
          reject(err);
        });
        res.on('error', () => reject(err));
        req.destroy();
      });
      ws.once('error', (err) => reject(err));
    });
    return withTimeout(opened, timeoutMs, `WebSocket open ${wsUrl}`);
  }

  _onFrame(data, isBinary) {
    const buffer = Buffer.isBuffer(data) ? data : Buffer.concat(data);
    this.frames.push({ isBinary, length: buffer.length });
    let text = this.partial + buffer.toString('utf8');
    let index;
    while ((index = text.indexOf(RS)) >= 0) {
      const record = text.slice(0, index);
      text = text.slice(index + 1);
      let message;
      try {
        message = JSON.parse(record);
      } catch {
        message = { unparsable: record };
      }
      this.received.push(message);
      this.queue.push(message);
    }
    this.partial = text;
    this._notify();
  }

  _notify() {
    for (const waiter of [...this.waiters]) waiter();
  }

  sendText(text) {
    this.ws.send(text);
  }

  /** Sends a hub message (JSON + record separator). */
  send(message) {
    this.ws.send(JSON.stringify(message) + RS);
  }

  /** Sends the handshake request and resolves with the server's handshake answer. */
  async handshake(protocol = 'json', version = 1, timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.sendText(JSON.stringify({ protocol, version }) + RS);
    return this.next({ timeoutMs, what: 'handshake response' });
  }

  /**
   * Resolves with (and removes from the queue) the first queued message for which
   * filter(message) is true; rejects on timeout or when the socket closes first.
   */
  next({ filter = () => true, timeoutMs = DEFAULT_TIMEOUT_MS, what = 'a message' } = {}) {
    const take = () => {
      const i = this.queue.findIndex(filter);
      if (i < 0) return undefined;
      return this.queue.splice(i, 1)[0];
    };
    const found = take();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = () => {
        const message = take();
        if (message !== undefined) {
          cleanup();
          resolve(message);
        } else if (this.closeInfo) {
          cleanup();
          reject(
            new Error(
              `socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) before ${what}; ` +
                `received: ${JSON.stringify(this.received).slice(0, 500)}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; received: ` +
              `${JSON.stringify(this.received).slice(0, 500)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** The next message that is not a Ping. */
  nextNonPing(options = {}) {
    return this.next({ ...options, filter: (m) => m.type !== 6 });
  }

  /** Resolves with {code, reason} when the socket has closed. */
  closed(timeoutMs = DEFAULT_TIMEOUT_MS) {
    return withTimeout(this.closedPromise, timeoutMs, `close of ${this.url}`);
  }

  isOpen() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  pause() {
    this.ws.pause();
  }

  resume() {
    this.ws.resume();
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.terminate();
    }
  }
}

/**
 * Attempts a WebSocket upgrade; resolves with 101 when it opened (the socket is then closed)
 * or with the HTTP status of the refusal.
 */
async function upgradeStatus(url, options = {}) {
  try {
    const client = await RawClient.connect(url, options);
    client.close();
    return 101;
  } catch (err) {
    if (err.statusCode) return err.statusCode;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Negotiate

/**
 * POST {hubUrl}/negotiate. Resolves with {status, body (parsed JSON or text), headers}.
 * options: token (Bearer), version (default 1; null to omit the parameter), query (extra),
 * headers (added to the request).
 */
async function negotiate(hubUrl, { token, version = 1, query = '', headers: extra = {} } = {}) {
  const params = [];
  if (query) params.push(query);
  if (version !== null) params.push(`negotiateVersion=${version}`);
  const url = `${hubUrl}/negotiate${params.length ? `?${params.join('&')}` : ''}`;
  const headers = { 'X-Requested-With': 'XMLHttpRequest', ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await withTimeout(
    fetch(url, { method: 'POST', headers }),
    DEFAULT_TIMEOUT_MS,
    `POST ${url}`,
  );
  const text = await response.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body, headers: response.headers };
}

/**
 * Negotiates, opens the WebSocket with the token and completes the JSON handshake.
 * Resolves with the RawClient; client.connectionId is the negotiated id.
 */
async function rawConnectNegotiated(hubUrl, { token, headers = {} } = {}) {
  const n = await negotiate(hubUrl, { token });
  if (n.status !== 200) throw new Error(`negotiate failed with ${n.status}: ${n.body}`);
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  const client = await RawClient.connect(`${hubUrl}?id=${n.body.connectionToken}`, { headers: h });
  client.connectionId = n.body.connectionId;
  client.connectionToken = n.body.connectionToken;
  return client;
}

/** rawConnectNegotiated + a successful handshake. */
async function rawHubClient(hubUrl, options = {}) {
  const client = await rawConnectNegotiated(hubUrl, options);
  const answer = await client.handshake();
  if (JSON.stringify(answer) !== '{}') {
    throw new Error(`handshake failed: ${JSON.stringify(answer)}`);
  }
  return client;
}

// ---------------------------------------------------------------------------------------------
// Tokens

/**
 * An HS256 JWT. opts: expiresIn (default '1h'; ignored when claims.exp is given), claims
 * (extra payload), plus any jsonwebtoken sign option (notBefore, issuer, ...).
 * sub === undefined leaves `sub` out.
 */
function mintToken(sub, secret, opts = {}) {
  const { claims = {}, expiresIn = '1h', ...signOptions } = opts;
  const payload = { ...claims };
  if (sub !== undefined) payload.sub = sub;
  const options = { algorithm: 'HS256', ...signOptions };
  if (payload.exp === undefined && expiresIn !== null) options.expiresIn = expiresIn;
  return jwt.sign(payload, secret, options);
}

/** Resolves with the error message of a call that must fail. */
async function errorOf(promise) {
  try {
    const value = await promise;
    assert.fail(`expected the call to fail, it returned ${JSON.stringify(value)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return err.message;
  }
  return undefined;
}

/** The message a connection's start() rejects with; fails the test if it connects. */
async function startError(connection, timeoutMs = 10000) {
  try {
    await withTimeout(connection.start(), timeoutMs, 'start()');
  } catch (err) {
    return err.message;
  }
  await connection.stop();
  return assert.fail('start() must fail');
}

module.exports = {
  startError,
  matrix,
  binaryAsReceived,
  errorOf,
  signalR,
  RS,
  withTimeout,
  deferred,
  buildConnection,
  RecordingHttpClient,
  connect,
  stopAll,
  waitFor,
  collect,
  subscribeStream,
  RawClient,
  upgradeStatus,
  negotiate,
  rawConnectNegotiated,
  rawHubClient,
  mintToken,
  toWs,
};
