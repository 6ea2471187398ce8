'use strict';
// Connection lifecycle at the backend: OnConnected (with the full CallContext: hub, connection
// id, user, claims, transport, protocol, query, forwarded headers; rejection; failure) and
// OnDisconnected (clean and unclean closes, a killed client process).

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { before, after } = require('node:test');
const { test } = require('./lib/gateway');
const {
  buildConnection,
  connect,
  stopAll,
  mintToken,
  negotiate,
  RawClient,
  rawHubClient,
  withTimeout,
  matrix,
} = require('./lib/clients');
const { startGatewayWithTestBackend } = require('./lib/test_backend');

const SECRET = 'lifecycle-secret-0123456789abcdefghij';
const HANDSHAKE_FAILED = 'An unexpected error occurred during connection handshake.';

let gw;
let backend;
const open = [];

before(async () => {
  ({ backend, gw } = await startGatewayWithTestBackend({
    workers: 2,
    config: { auth: { hs256_secret: SECRET } },
    hubs: [
      { name: 'life', backend_deadline: '1s', forwarded_headers: ['x-tenant', 'X-Request-Id'] },
    ],
  }));
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});

const hubUrl = (query = '') => `${gw.hubUrl('/hubs/life')}${query}`;

function connectedEvent(connectionId) {
  return backend.waitFor((e) => e.type === 'connected' && e.context.connectionId === connectionId, {
    what: `OnConnected of ${connectionId}`,
  });
}

function disconnectedEvent(connectionId, timeoutMs = 5000) {
  return backend.waitFor((e) => e.type === 'disconnected' && e.connectionId === connectionId, {
    what: `OnDisconnected of ${connectionId}`,
    timeoutMs,
  });
}

async function startError(connection) {
  try {
    await withTimeout(connection.start(), 10000, 'start()');
  } catch (err) {
    return err;
  }
  await connection.stop();
  return assert.fail('start() must fail');
}

test('OnConnected carries the full call context of an authenticated connection', async () => {
  const token = mintToken('user-7', SECRET, { claims: { name: 'Alice', level: 3, roles: ['a', 'b'] } });
  const conn = await connect(hubUrl('?tenant=acme&lang=en&empty='), {
    accessToken: token,
    headers: { 'X-Tenant': 'acme-header', 'X-Request-Id': 'req-1', 'X-Not-Forwarded': 'secret' },
  });
  open.push(conn);
  const { context } = await connectedEvent(conn.connectionId);
  assert.equal(context.hub, 'life');
  assert.equal(context.connectionId, conn.connectionId);
  assert.equal(context.userId, 'user-7');
  assert.equal(context.transport, matrix.transport);
  assert.equal(context.protocol, matrix.protocol);
  assert.equal(context.claims.sub, 'user-7');
  assert.equal(context.claims.name, 'Alice');
  assert.equal(context.claims.level, '3', 'non-string claims are JSON text');
  assert.deepEqual(JSON.parse(context.claims.roles), ['a', 'b']);
  assert.ok(context.claims.exp, 'exp claim present');
  // `id` (the connection token) is removed; everything else stays.
  assert.deepEqual(context.query, { tenant: 'acme', lang: 'en', empty: '' });
  // Only the configured headers, lower-case names.
  assert.deepEqual(context.headers, { 'x-tenant': 'acme-header', 'x-request-id': 'req-1' });

  // Every invocation carries the same context.
  const fromInvoke = await conn.invoke('Context');
  assert.deepEqual(fromInvoke, context);
});

test('anonymous connection: empty user id and no claims', async () => {
  const conn = await connect(hubUrl());
  open.push(conn);
  const { context } = await connectedEvent(conn.connectionId);
  assert.equal(context.userId, '');
  assert.deepEqual(context.claims, {});
  assert.deepEqual(context.query, {});
  assert.deepEqual(context.headers, {});
});

test('a token in the access_token query parameter: removed from the query, user id set', async () => {
  const token = mintToken('query-user', SECRET);
  const n = await negotiate(hubUrl(), { token });
  assert.equal(n.status, 200);
  const raw = await RawClient.connect(
    `${hubUrl()}?id=${n.body.connectionToken}&access_token=${token}&room=7`,
  );
  try {
    assert.deepEqual(await raw.handshake(), {});
    const { context } = await connectedEvent(n.body.connectionId);
    assert.equal(context.userId, 'query-user');
    assert.deepEqual(context.query, { room: '7' });
  } finally {
    raw.close();
  }
});

test('OnConnected is answered before the handshake completes', async () => {
  const conn = buildConnection(hubUrl('?delay=300'));
  open.push(conn);
  await withTimeout(conn.start(), 10000, 'start()');
  // Synchronously after start() resolved: the backend already accepted this connection.
  const accepted = backend.of(
    'connected',
    (e) => e.context.connectionId === conn.connectionId && e.outcome === 'accepted',
  );
  assert.equal(accepted.length, 1);
});

test('OnConnected rejection: start() fails with the rejection text; nothing can reach it', async () => {
  const mark = backend.seq;
  const conn = buildConnection(hubUrl('?reject=1'));
  const err = await startError(conn);
  assert.equal(err.message, 'Server returned handshake error: Rejected by test backend.');
  assert.equal(conn.state, 'Disconnected');
  const rejected = await backend.waitFor((e) => e.type === 'connected' && e.outcome === 'rejected', {
    after: mark,
    what: 'the rejected OnConnected',
  });
  const id = rejected.context.connectionId;
  assert.ok(id);
  const r = await gw.grpcClient.send({ hub: 'life', method: 'X', argumentsJson: '[]', connectionId: id });
  assert.equal(r.queuedConnections, '0', 'the rejected connection is not routable');
});

test('OnConnected fails at the backend: the generic handshake error', async () => {
  const conn = buildConnection(hubUrl('?crash=1'));
  const err = await startError(conn);
  assert.equal(err.message, `Server returned handshake error: ${HANDSHAKE_FAILED}`);
});

test('OnConnected slower than backend_deadline: the generic handshake error', async () => {
  const conn = buildConnection(hubUrl('?delay=6000'));
  const started = Date.now();
  const err = await startError(conn);
  assert.equal(err.message, `Server returned handshake error: ${HANDSHAKE_FAILED}`);
  assert.ok(Date.now() - started < 5000, 'failed at the 1 s deadline, not when the backend answered (6 s)');
});

test('clean close (stop()): OnDisconnected with the connection id and an empty error', async () => {
  const conn = await connect(hubUrl());
  const id = conn.connectionId;
  await connectedEvent(id);
  await conn.stop();
  const e = await disconnectedEvent(id);
  assert.equal(e.error, '');
  assert.equal(e.context.connectionId, id);
  assert.equal(e.context.hub, 'life');
});

test('clean close of a raw client (Close message): empty error', async () => {
  const raw = await rawHubClient(hubUrl());
  await connectedEvent(raw.connectionId);
  raw.send({ type: 7 });
  await raw.closed();
  const e = await disconnectedEvent(raw.connectionId);
  assert.equal(e.error, '');
});

test('unclean close (socket terminated without a close frame): OnDisconnected with an error', async () => {
  const raw = await rawHubClient(hubUrl());
  await connectedEvent(raw.connectionId);
  raw.close(); // ws.terminate(): the TCP connection just ends
  const e = await disconnectedEvent(raw.connectionId);
  assert.notEqual(e.error, '', 'an unclean close reports an error text');
});

test('a killed client process: OnDisconnected with its connection id and an error', async () => {
  const script = `
    const signalR = require('@microsoft/signalr');
    const c = new signalR.HubConnectionBuilder()
      .withUrl(${JSON.stringify(hubUrl('?who=child'))})
      .configureLogging(signalR.LogLevel.None).build();
    c.start().then(() => process.stdout.write('ID ' + c.connectionId + '\\n'),
                   (e) => { process.stdout.write('FAIL ' + e.message + '\\n'); process.exit(1); });
  `;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: __dirname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    const id = await withTimeout(
      new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /^(ID|FAIL) (.*)$/m.exec(out);
          if (m && m[1] === 'ID') resolve(m[2]);
          else if (m) reject(new Error(`child failed to connect: ${m[2]}`));
        });
      }),
      10000,
      'the child process connected',
    );
    const { context } = await connectedEvent(id);
    assert.deepEqual(context.query, { who: 'child' });
    child.kill('SIGKILL');
    await exited;
    const e = await disconnectedEvent(id);
    assert.notEqual(e.error, '');
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

test('one OnDisconnected per connection, none for connections that are still open', async () => {
  // Connections closed above: each reported exactly once.
  const closedIds = new Set(backend.of('disconnected').map((e) => e.connectionId));
  for (const id of closedIds) {
    assert.equal(backend.of('disconnected', (e) => e.connectionId === id).length, 1, id);
  }
  // Still open (this file's `open` list, minus failed ones): no OnDisconnected yet.
  for (const conn of open) {
    if (conn.state === 'Connected') {
      assert.equal(closedIds.has(conn.connectionId), false, conn.connectionId);
    }
  }
});
