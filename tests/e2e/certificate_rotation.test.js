'use strict';
// Issue 11, item 2: the gRPC sides' certificates rotate without a restart. The Push API's
// push_api.tls files and a hub's backend_tls files are watched by gRPC
// (FileWatcherCertificateProvider); replacing them with a set from a new CA lets new
// connections in under the new CA while connections opened before keep working.
// The reload itself is not observable from outside, so the first success under the new CA is
// awaited with a bounded retry (eventually); everything else waits on events.
// Hardening: gRPC watches a private copy that only ever holds a checked set, so a bad
// replacement (garbage, a certificate whose key is not written yet) keeps the previous
// certificate in use and is logged once.

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, before } = require('node:test');
const protoLoader = require('@grpc/proto-loader');
const {
  grpc, grpcError, startGateway, createPushClient, test, GATEWAY_BIN, PROTO_FILE, REPO_ROOT,
} = require('./lib/gateway');
const { connect, waitFor, stopAll } = require('./lib/clients');
const { startTestBackend } = require('./lib/test_backend');
const { waitForDescription, eventually } = require('./lib/hub_handler');
const { makeTestCertificates } = require('./lib/certificates');

// The gateway checks the files every second and gRPC its checked copy every second
// (services/certificate_files.h); generous for a loaded CI host, still a bound.
const ROTATION_BOUND_MS = 30000;
// How long a refused replacement is watched for handshakes that still succeed: a few rounds of
// both checks.
const KEPT_WINDOW_MS = 4000;

let oldPki; // the CA and certificates the gateway starts with
let newPki; // an unrelated CA and certificates that replace them
let dir; // the files the gateway reads (copies, replaced during the tests)

before(() => {
  oldPki = makeTestCertificates('hubgate-rotation-old-');
  newPki = makeTestCertificates('hubgate-rotation-new-');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-rotation-live-'));
});
after(() => {
  for (const d of [oldPki && oldPki.dir, newPki && newPki.dir, dir]) {
    if (d) fs.rmSync(d, { recursive: true, force: true });
  }
});

/**
 * Copies `names` from `pki` into `into` as `prefix` + name, each by rename, as a Kubernetes
 * Secret update does, so the gateway never reads a half-written file.
 */
function install(pki, into, prefix, names) {
  for (const name of names) {
    const target = path.join(into, `${prefix}${name}`);
    const temporary = `${target}.tmp`;
    fs.writeFileSync(temporary, pki.read(name));
    fs.renameSync(temporary, target);
  }
}

/** Mutual-TLS client credentials: trusting `caPki`'s CA, presenting `clientPki`'s client. */
function mtlsCredentials(caPki, clientPki) {
  return grpc.credentials.createSsl(caPki.read('ca.pem'), clientPki.read('client.key'),
    clientPki.read('client.pem'));
}

let pushService;
/**
 * One Push.Send over a connection of its own (a local subchannel pool: grpc-js would otherwise
 * reuse a connection of the same target and credentials), i.e. a new TLS handshake that trusts
 * `caPki`'s CA only.
 */
async function sendOverNewConnection(target, caPki) {
  if (!pushService) {
    const definition = protoLoader.loadSync(PROTO_FILE, {
      keepCase: false, longs: String, enums: String, defaults: true, oneofs: true,
      includeDirs: [path.join(REPO_ROOT, 'proto')],
    });
    pushService = grpc.loadPackageDefinition(definition).hubgate.v1.Push;
  }
  const client = new pushService(target, grpc.credentials.createSsl(caPki.read('ca.pem')),
    { 'grpc.use_local_subchannel_pool': 1 });
  try {
    await new Promise((resolve, reject) => {
      client.Send({ hub: 'posts', method: 'Note', all: {} }, { deadline: Date.now() + 3000 },
        (err, response) => (err ? reject(err) : resolve(response)));
    });
  } finally {
    client.close();
  }
}

/** New handshakes under `caPki` keep succeeding for KEPT_WINDOW_MS (one every 500 ms). */
async function assertKeptServing(target, caPki, what) {
  const until = Date.now() + KEPT_WINDOW_MS;
  let rounds = 0;
  while (Date.now() < until) {
    try {
      await sendOverNewConnection(target, caPki);
    } catch (err) {
      assert.fail(`${what}: a new connection failed after ${rounds} successes: ${err.message}`);
    }
    rounds += 1;
    // Spreads the handshakes over the window; nothing to wait for: the absence of a change
    // is what is checked.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.ok(rounds >= 3, `${what}: only ${rounds} handshakes in ${KEPT_WINDOW_MS} ms`);
}

/** How many lines of the gateway's output match `re`. */
function countLines(gw, re) {
  return gw.logs().split('\n').filter((line) => re.test(line)).length;
}

/** Sends to hub `hub` and expects `conn` (connected to that hub) to receive it. */
async function assertDelivered(client, conn, hub, text) {
  const received = waitFor(conn, 'Note', { predicate: (args) => args[0] === text });
  await client.send({ hub, method: 'Note', all: {}, argumentsJson: JSON.stringify([text]) });
  assert.deepEqual(await received, [text]);
}

test('Push API: replaced certificate and client CA files serve new connections only', async () => {
  const files = ['server.pem', 'server.key', 'ca.pem'];
  install(oldPki, dir, 'push-', files);
  const live = (name) => path.join(dir, `push-${name}`);
  const gw = await startGateway({
    config: {
      push_api: {
        tls: {
          cert_file: live('server.pem'),
          key_file: live('server.key'),
          client_ca_file: live('ca.pem'),
        },
      },
    },
    grpcCredentials: mtlsCredentials(oldPki, oldPki),
  });
  const fresh = createPushClient(gw.grpcTarget, { credentials: mtlsCredentials(newPki, newPki) });
  // Trusts the old CA only, while presenting a client certificate the new client CA accepts.
  const pinnedToOld = createPushClient(gw.grpcTarget, {
    credentials: mtlsCredentials(oldPki, newPki),
  });
  const open = [];
  try {
    const conn = await connect(gw.hubUrl('/hubs/posts'));
    open.push(conn);
    // Opens gw.grpcClient's connection under the old CA.
    await assertDelivered(gw.grpcClient, conn, 'posts', 'before rotation');

    install(newPki, dir, 'push-', files);
    await eventually(
      () => fresh.send({ hub: 'posts', method: 'Note', all: {} }, { timeoutMs: 2000 }),
      { timeoutMs: ROTATION_BOUND_MS, intervalMs: 250, what: 'a client of the new CA' },
    );

    const err = await grpcError(
      pinnedToOld.send({ hub: 'posts', method: 'Note', all: {} }, { timeoutMs: 3000 }),
    );
    assert.ok(
      [grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED].includes(err.code),
      `a new connection trusting the old CA only must fail; got ${err.code}: ${err.details}`,
    );
    // The connection opened before the rotation was not dropped: it still delivers.
    await assertDelivered(gw.grpcClient, conn, 'posts', 'after rotation');
  } finally {
    await stopAll(open);
    fresh.close();
    pinnedToOld.close();
    await gw.stop();
  }
});

test('backend: a replaced backend_tls.ca_file is trusted without a restart', async () => {
  install(oldPki, dir, 'backend-', ['ca.pem']);
  const caFile = path.join(dir, 'backend-ca.pem');
  const backend = await startTestBackend({
    tls: { key: oldPki.read('server.key'), cert: oldPki.read('server.pem') },
  });
  const gw = await startGateway({
    config: {
      hubs: [
        {
          name: 'rotating',
          path: '/hubs/rotating',
          backend_target: backend.target,
          backend_tls: { ca_file: caFile },
        },
      ],
    },
  });
  const open = [];
  try {
    await waitForDescription(gw, 'rotating');
    const early = await connect(gw.hubUrl('/hubs/rotating'));
    open.push(early);
    assert.equal(await early.invoke('Echo', 'old CA'), 'old CA');

    install(newPki, dir, 'backend-', ['ca.pem']);
    // The established channel is kept while the trust changes underneath it.
    assert.equal(await early.invoke('Echo', 'still old CA'), 'still old CA');

    // The backend comes back on the same port with a certificate from the new CA only.
    await backend.stop();
    backend.tls = { key: newPki.read('server.key'), cert: newPki.read('server.pem') };
    await backend.start();
    const late = await eventually(
      async () => {
        const conn = await connect(gw.hubUrl('/hubs/rotating'));
        open.push(conn);
        assert.equal(await conn.invoke('Echo', 'new CA'), 'new CA');
        return conn;
      },
      { timeoutMs: ROTATION_BOUND_MS, intervalMs: 250, what: 'the backend under the new CA' },
    );
    assert.ok(late.connectionId);
    // A connection made before the rotation reaches the new backend too.
    assert.equal(await early.invoke('Echo', 'again'), 'again');
  } finally {
    await stopAll(open);
    await gw.stop();
    await backend.stop();
  }
});

test('Push API: a bad replacement keeps the previous certificate until a good one', async () => {
  const thirdPki = makeTestCertificates('hubgate-rotation-third-');
  install(oldPki, dir, 'kept-', ['server.pem', 'server.key']);
  const live = (name) => path.join(dir, `kept-${name}`);
  // The gateway's $TMPDIR, where it keeps the checked copy that gRPC reads.
  const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-rotation-tmpdir-'));
  const gw = await startGateway({
    config: { push_api: { tls: { cert_file: live('server.pem'), key_file: live('server.key') } } },
    grpcCredentials: grpc.credentials.createSsl(oldPki.read('ca.pem')),
    env: { TMPDIR: tmpdir },
  });
  let stopped = false;
  try {
    const mirrors = fs.readdirSync(tmpdir);
    assert.equal(mirrors.length, 1, `one private copy: ${mirrors}`);
    const mirror = path.join(tmpdir, mirrors[0]);
    assert.equal(fs.statSync(mirror).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(mirror, 'current', 'key.pem')).mode & 0o777, 0o600);

    // A good rotation first: the previous certificate below is newPki's.
    install(newPki, dir, 'kept-', ['server.pem', 'server.key']);
    await eventually(() => sendOverNewConnection(gw.grpcTarget, newPki),
      { timeoutMs: ROTATION_BOUND_MS, intervalMs: 250, what: 'a client of the new CA' });

    // Garbage in place of the certificate.
    fs.writeFileSync(`${live('server.pem')}.tmp`, 'not a certificate\n');
    fs.renameSync(`${live('server.pem')}.tmp`, live('server.pem'));
    const garbage = new RegExp(`certificates not reloaded.*push_api\\.tls\\.cert_file: ${
      live('server.pem').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds no valid certificate`);
    await gw.waitForLog(garbage, ROTATION_BOUND_MS);
    await assertKeptServing(gw.grpcTarget, newPki, 'after a garbage certificate');
    assert.equal(countLines(gw, garbage), 1, 'the refused certificate is logged once');

    // A valid certificate whose key has not been written yet.
    install(thirdPki, dir, 'kept-', ['server.pem']);
    const keyless = /certificates not reloaded.*push_api\.tls\.key_file: .* does not belong/;
    await gw.waitForLog(keyless, ROTATION_BOUND_MS);
    await assertKeptServing(gw.grpcTarget, newPki, 'after a certificate without its key');
    assert.equal(countLines(gw, keyless), 1, 'the refused pair is logged once');
    assert.ok(!/Reading file .* failed|Unable to get latest/.test(gw.logs()),
      'gRPC never read a bad or missing file');

    // Its key arrives: the set is complete and taken.
    install(thirdPki, dir, 'kept-', ['server.key']);
    await eventually(() => sendOverNewConnection(gw.grpcTarget, thirdPki),
      { timeoutMs: ROTATION_BOUND_MS, intervalMs: 250, what: 'a client of the third CA' });
    const err = await grpcError(sendOverNewConnection(gw.grpcTarget, newPki));
    assert.equal(err.code, grpc.status.UNAVAILABLE, `${err.code}: ${err.details}`);

    await gw.stop();
    stopped = true;
    assert.deepEqual(fs.readdirSync(tmpdir), [], 'the private copy is removed at exit');
  } finally {
    if (!stopped) await gw.stop();
    fs.rmSync(thirdPki.dir, { recursive: true, force: true });
    fs.rmSync(tmpdir, { recursive: true, force: true });
  }
});

test('backend: a deleted backend_tls.ca_file keeps the previous CA in use', async () => {
  install(oldPki, dir, 'kept-backend-', ['ca.pem']);
  const caFile = path.join(dir, 'kept-backend-ca.pem');
  const backend = await startTestBackend({
    tls: { key: oldPki.read('server.key'), cert: oldPki.read('server.pem') },
  });
  const gw = await startGateway({
    config: {
      hubs: [{
        name: 'kept', path: '/hubs/kept', backend_target: backend.target,
        backend_tls: { ca_file: caFile },
      }],
    },
  });
  const open = [];
  try {
    await waitForDescription(gw, 'kept');
    fs.rmSync(caFile);
    const deleted =
      /hub 'kept': backend_tls: certificates not reloaded.*ca_file: .* cannot be read/;
    await gw.waitForLog(deleted, ROTATION_BOUND_MS);
    // A new connection to the backend (it restarts on the same port) still trusts the old CA.
    await backend.stop();
    await backend.start();
    const conn = await eventually(
      async () => {
        const c = await connect(gw.hubUrl('/hubs/kept'));
        open.push(c);
        assert.equal(await c.invoke('Echo', 'old CA kept'), 'old CA kept');
        return c;
      },
      { timeoutMs: ROTATION_BOUND_MS, intervalMs: 250, what: 'the backend under the kept CA' },
    );
    assert.ok(conn.connectionId);
    assert.equal(countLines(gw, deleted), 1, 'the missing file is logged once');
  } finally {
    await stopAll(open);
    await gw.stop();
    await backend.stop();
  }
});

test('start-up still refuses a key that does not belong to its certificate', () => {
  const config = path.join(dir, 'mismatch.yaml');
  fs.writeFileSync(config, [
    'hubs:',
    '  - name: posts',
    '    path: /hubs/posts',
    'push_api:',
    '  tls:',
    `    cert_file: ${oldPki.file('server.pem')}`,
    `    key_file: ${oldPki.file('other.key')}`,
    '',
  ].join('\n'));
  // A gateway that started would run until the timeout: status null, the test fails.
  const run = spawnSync(GATEWAY_BIN, [`--config=${config}`, '--http_listen=127.0.0.1:0',
    '--grpc_listen=127.0.0.1:0', '--admin_listen=127.0.0.1:0'],
  { env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 15000 });
  assert.notEqual(run.status, null, 'the gateway started with a mismatched key');
  assert.notEqual(run.status, 0);
  const expected =
    `push_api.tls.key_file: ${oldPki.file('other.key')} does not belong to the certificate`;
  assert.ok(`${run.stdout}${run.stderr}`.includes(expected), `${run.stdout}${run.stderr}`);
});
