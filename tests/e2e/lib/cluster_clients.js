'use strict';
// Client helpers for the scale-out tests: official clients placed on a chosen replica, negotiate
// on one replica and connect on another, and the "which replica holds it" observations.

const { signalR, connect, buildConnection, withTimeout } = require('./clients');

/**
 * An HttpClient for the official client that sends negotiate to `negotiateBase` (e.g. replica
 * 0's http://127.0.0.1:P) while everything else (long polls, sends, DELETE) goes where the hub
 * URL points. WebSockets and Server-Sent Events do not use the HttpClient: they connect to the
 * hub URL, so negotiate and connect land on different replicas for every transport.
 */
class NegotiateElsewhereHttpClient extends signalR.DefaultHttpClient {
  constructor(connectBase, negotiateBase) {
    super(signalR.NullLogger.instance);
    this.connectBase = connectBase;
    this.negotiateBase = negotiateBase;
    this.negotiations = [];
  }

  async send(request) {
    if (request.url.includes('/negotiate') && request.url.startsWith(this.connectBase)) {
      const url = this.negotiateBase + request.url.slice(this.connectBase.length);
      const response = await super.send({ ...request, url });
      this.negotiations.push({ url, status: response.statusCode });
      return response;
    }
    return super.send(request);
  }
}

/**
 * Connects an official client that negotiates with replica `negotiateOn` and opens its
 * transport on replica `connectOn` (indexes into cluster.replicas). `options` as for connect().
 */
function connectAcross(cluster, hubPath, { negotiateOn, connectOn, ...options }) {
  const connectBase = cluster.replicas[connectOn].httpUrl;
  const httpClient = new NegotiateElsewhereHttpClient(
    connectBase,
    cluster.replicas[negotiateOn].httpUrl,
  );
  return connect(`${connectBase}${hubPath}`, { ...options, httpClient }).then((connection) => {
    connection.negotiatedAt = httpClient.negotiations;
    return connection;
  });
}

/** Connects an official client to replica `index` directly (negotiate and transport there). */
function connectOn(cluster, index, hubPath, options = {}) {
  return connect(cluster.replicas[index].hubUrl(hubPath), options);
}

/** Builds (does not start) an official client to replica `index`. */
function buildOn(cluster, index, hubPath, options = {}) {
  return buildConnection(cluster.replicas[index].hubUrl(hubPath), options);
}

/**
 * Runs `fn` and returns which replicas' connect counters for `hub` moved meanwhile: an array
 * of the replica indexes, one per connection opened (a replica twice for two connections).
 */
async function replicasConnectedDuring(cluster, hub, fn) {
  const before = await cluster.connectsPerReplica(hub);
  const result = await fn();
  const after = await cluster.connectsPerReplica(hub);
  const indexes = [];
  after.forEach((count, i) => {
    for (let n = before[i]; n < count; n += 1) indexes.push(i);
  });
  return { result, replicas: indexes };
}

/**
 * Collects every call of client method `method` with one numeric argument, and waits for
 * counts: until(n) resolves once n have arrived.
 */
function numberCollector(connection, method) {
  const received = [];
  const waiters = [];
  connection.on(method, (n) => {
    received.push(n);
    for (const w of waiters.filter((x) => received.length >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  return {
    received,
    until: (n, ms = 20000) =>
      withTimeout(
        received.length >= n
          ? Promise.resolve()
          : new Promise((resolve) => waiters.push({ n, resolve })),
        ms,
        `${n} ${method} messages (have ${received.length})`,
      ),
  };
}

module.exports = {
  NegotiateElsewhereHttpClient,
  connectAcross,
  connectOn,
  buildOn,
  replicasConnectedDuring,
  numberCollector,
};
