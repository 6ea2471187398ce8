'use strict';
// The Push API's credentials against the real binary: API keys (missing, unknown, hub- and
// operation-limited, from the environment), key file rotation without a restart, TLS and mTLS
// with certificates made here by the openssl CLI, the loopback-only default without any
// credential, the refusal metric, and refused Redis settings. Pushes are observed by the
// official SignalR client.

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { after, before } = require('node:test');
const {
  grpc, grpcError, startGateway, createPushClient, test, GATEWAY_BIN, CLI_BIN,
} = require('./lib/gateway');
const { connect, waitFor, stopAll } = require('./lib/clients');
const { scrape } = require('./lib/admin');
const { makeTestCertificates } = require('./lib/certificates');

const HUBS = [
  { name: 'posts', path: '/hubs/posts' },
  { name: 'chat', path: '/hubs/chat' },
];
const FULL_KEY = 'full-access-key-0123456789';
const SEND_ONLY_KEY = 'send-only-key-0123456789';
const CHAT_ONLY_KEY = 'chat-only-key-0123456789';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-push-api-'));
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  if (pki) fs.rmSync(pki.dir, { recursive: true, force: true });
});

/** One IPv4 address of this host that is not loopback, or undefined. */
function externalIPv4() {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses || []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return undefined;
}

/** Resolves with 'connected' or the connect error's code. */
function tryConnect(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err) => resolve(err.code));
  });
}

/** Sends to hub `hub` and expects `conn` (connected to that hub) to receive it. */
async function assertDelivered(client, conn, hub, text) {
  const received = waitFor(conn, 'Note', { predicate: (args) => args[0] === text });
  await client.send({ hub, method: 'Note', all: {}, argumentsJson: JSON.stringify([text]) });
  assert.deepEqual(await received, [text]);
}

// ---------------------------------------------------------------------------------------------
// API keys

let gw;
let posts;
before(async () => {
  gw = await startGateway({
    config: {
      hubs: HUBS,
      push_api: {
        keys: [
          { name: 'ops', key: FULL_KEY },
          { name: 'notifier', key: SEND_ONLY_KEY, operations: ['send'] },
          { name: 'chat-backend', key: CHAT_ONLY_KEY, hubs: ['chat'] },
        ],
      },
    },
    pushApiKey: FULL_KEY,
  });
  posts = await connect(gw.hubUrl('/hubs/posts'));
});
after(async () => {
  await stopAll([posts]);
  if (gw) await gw.stop();
});

test('a full-access key pushes to the official client', async () => {
  await assertDelivered(gw.grpcClient, posts, 'posts', 'with the full key');
  const viaHeader = createPushClient(gw.grpcTarget, { apiKey: FULL_KEY, apiKeyHeader: 'x-api-key' });
  try {
    await assertDelivered(viaHeader, posts, 'posts', 'with x-api-key');
  } finally {
    viaHeader.close();
  }
});

test('no key and an unknown key are UNAUTHENTICATED, counted, and never logged', async () => {
  const before = await scrape(gw);
  const refusals = (m) =>
    m.value('hubgate_push_api_refusals_total', { operation: 'send', reason: 'unauthenticated' });
  const anonymous = createPushClient(gw.grpcTarget);
  const guessing = createPushClient(gw.grpcTarget, { apiKey: 'guessed-key-9876543210' });
  try {
    const missing = await grpcError(anonymous.send({ hub: 'posts', method: 'Note', all: {} }));
    assert.equal(missing.code, grpc.status.UNAUTHENTICATED);
    assert.match(missing.details, /^missing API key/);
    const unknown = await grpcError(guessing.send({ hub: 'posts', method: 'Note', all: {} }));
    assert.equal(unknown.code, grpc.status.UNAUTHENTICATED);
    assert.equal(unknown.details, 'unknown API key');
  } finally {
    anonymous.close();
    guessing.close();
  }
  assert.equal(refusals(await scrape(gw)) - refusals(before), 2);
  for (const secret of [FULL_KEY, SEND_ONLY_KEY, CHAT_ONLY_KEY, 'guessed-key-9876543210']) {
    assert.ok(!gw.logs().includes(secret), 'a key appears in the log');
  }
});

test('an operation-limited key may send but not change groups', async () => {
  const notifier = createPushClient(gw.grpcTarget, { apiKey: SEND_ONLY_KEY });
  try {
    await assertDelivered(notifier, posts, 'posts', 'from the notifier');
    const denied = await grpcError(
      notifier.addToGroup({ hub: 'posts', connectionId: posts.connectionId, group: 'g' }),
    );
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
    assert.equal(
      denied.details,
      "API key 'notifier' may not use operation 'membership' on hub 'posts'",
    );
    const invoke = await grpcError(
      notifier.invokeClient({ hub: 'posts', connectionId: posts.connectionId, method: 'Ask' }),
    );
    assert.equal(invoke.code, grpc.status.PERMISSION_DENIED);
    assert.match(invoke.details, /operation 'client_results'/);
  } finally {
    notifier.close();
  }
  const metrics = await scrape(gw);
  assert.ok(
    metrics.value('hubgate_push_api_refusals_total', {
      operation: 'membership',
      reason: 'permission_denied',
    }) >= 1,
  );
});

test('a hub-limited key reaches its hub only', async () => {
  const chat = await connect(gw.hubUrl('/hubs/chat'));
  const chatBackend = createPushClient(gw.grpcTarget, { apiKey: CHAT_ONLY_KEY });
  try {
    await assertDelivered(chatBackend, chat, 'chat', 'to the chat');
    let leaked = false;
    posts.on('Leak', () => {
      leaked = true;
    });
    const denied = await grpcError(chatBackend.send({ hub: 'posts', method: 'Leak', all: {} }));
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
    assert.equal(denied.details, "API key 'chat-backend' may not use operation 'send' on hub 'posts'");
    // A later push on the same connection arrives after anything the refused call could have sent.
    await assertDelivered(gw.grpcClient, posts, 'posts', 'fence');
    assert.equal(leaked, false);
  } finally {
    chatBackend.close();
    await stopAll([chat]);
  }
});

test('hubgate-cli sends with a key from HUBGATE_PUSH_API_KEY or --api_key', async () => {
  const run = (args, env = {}) =>
    spawnSync(
      CLI_BIN,
      ['send', `--server=${gw.grpcTarget}`, '--hub=posts', '--target=Note', '--all', ...args],
      { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
    );
  const refused = run(['--json="no key"']);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /UNAUTHENTICATED: missing API key/);

  let received = waitFor(posts, 'Note', { predicate: (args) => args[0] === 'cli env' });
  assert.equal(run(['--json="cli env"'], { HUBGATE_PUSH_API_KEY: FULL_KEY }).status, 0);
  await received;
  received = waitFor(posts, 'Note', { predicate: (args) => args[0] === 'cli flag' });
  assert.equal(run(['--json="cli flag"', `--api_key=${SEND_ONLY_KEY}`]).status, 0);
  await received;
});

// ---------------------------------------------------------------------------------------------
// Environment key, rotation, loopback default

test('HUBGATE_PUSH_API_KEY is a full-access key', async () => {
  const envGw = await startGateway({ env: { HUBGATE_PUSH_API_KEY: 'from-env-0123456789' } });
  try {
    const conn = await connect(envGw.hubUrl('/hubs/posts'));
    const keyed = createPushClient(envGw.grpcTarget, { apiKey: 'from-env-0123456789' });
    try {
      await assertDelivered(keyed, conn, 'posts', 'env key');
      const err = await grpcError(envGw.grpcClient.send({ hub: 'posts', method: 'Note', all: {} }));
      assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    } finally {
      keyed.close();
      await stopAll([conn]);
    }
  } finally {
    await envGw.stop();
  }
});

test('a rotated key file takes effect without a restart', async () => {
  const keyFile = path.join(dir, 'rotating.key');
  fs.writeFileSync(keyFile, 'old-key-0123456789\n');
  const rotGw = await startGateway({
    config: { push_api: { keys: [{ name: 'rotating', key_file: keyFile }] } },
  });
  const oldClient = createPushClient(rotGw.grpcTarget, { apiKey: 'old-key-0123456789' });
  const newClient = createPushClient(rotGw.grpcTarget, { apiKey: 'new-key-0123456789' });
  try {
    const conn = await connect(rotGw.hubUrl('/hubs/posts'));
    await assertDelivered(oldClient, conn, 'posts', 'old key');
    assert.equal(
      (await grpcError(newClient.send({ hub: 'posts', method: 'Note', all: {} }))).code,
      grpc.status.UNAUTHENTICATED,
    );
    const pid = rotGw.process.pid;
    // Written whole and renamed, as a Kubernetes Secret update is.
    fs.writeFileSync(`${keyFile}.tmp`, 'new-key-0123456789\n');
    fs.renameSync(`${keyFile}.tmp`, keyFile);
    await rotGw.waitForLog(/Push API key 'rotating' rotated/);
    await assertDelivered(newClient, conn, 'posts', 'new key');
    const old = await grpcError(oldClient.send({ hub: 'posts', method: 'Note', all: {} }));
    assert.equal(old.code, grpc.status.UNAUTHENTICATED);
    assert.equal(old.details, 'unknown API key');
    assert.equal(rotGw.process.pid, pid);
    assert.equal(rotGw.exitCode, undefined);
    assert.ok(!rotGw.logs().includes('new-key-0123456789'));
    await stopAll([conn]);
  } finally {
    oldClient.close();
    newClient.close();
    await rotGw.stop();
  }
});

test('without credentials the Push API binds loopback only, and says so', async (t) => {
  const open = await startGateway({ grpcListen: '0.0.0.0:0' });
  try {
    const [, host, port] = await open.waitForLog(/Push API bound to (\S+):(\d+) /);
    assert.equal(host, '127.0.0.1');
    assert.equal(Number(port), open.grpcPort);
    assert.match(open.logs(), /SECURITY: the Push API has NO credentials/);
    // Loopback still works without a key (the e2e suite and the local demo rely on it).
    const conn = await connect(open.hubUrl('/hubs/posts'));
    await assertDelivered(open.grpcClient, conn, 'posts', 'loopback');
    await stopAll([conn]);
    const external = externalIPv4();
    if (!external) {
      t.diagnostic('no non-loopback IPv4 address on this host: remote check skipped');
      return;
    }
    assert.equal(await tryConnect(external, open.grpcPort), 'ECONNREFUSED');
  } finally {
    await open.stop();
  }
});

test('allow_unauthenticated_remote keeps the configured host, with a warning', async (t) => {
  const open = await startGateway({
    grpcListen: '0.0.0.0:0',
    config: { push_api: { allow_unauthenticated_remote: true } },
  });
  try {
    const [, host] = await open.waitForLog(/Push API bound to (\S+):(\d+) /);
    assert.equal(host, '0.0.0.0');
    assert.match(open.logs(), /allow_unauthenticated_remote is true/);
    const external = externalIPv4();
    if (external) assert.equal(await tryConnect(external, open.grpcPort), 'connected');
    else t.diagnostic('no non-loopback IPv4 address on this host');
  } finally {
    await open.stop();
  }
});

// ---------------------------------------------------------------------------------------------
// TLS and mTLS

let pki;
function certificates() {
  if (!pki) {
    const made = makeTestCertificates('hubgate-push-tls-');
    pki = { f: made.file, read: made.read, dir: made.dir };
  }
  return pki;
}

test('TLS: a client trusting the CA pushes with its key; a plaintext client cannot', async () => {
  const { f, read } = certificates();
  const tlsGw = await startGateway({
    config: {
      push_api: {
        keys: [{ name: 'ops', key: FULL_KEY }],
        tls: { cert_file: f('server.pem'), key_file: f('server.key') },
      },
    },
    pushApiKey: FULL_KEY,
    grpcCredentials: grpc.credentials.createSsl(read('ca.pem')),
  });
  const plaintext = createPushClient(tlsGw.grpcTarget, { apiKey: FULL_KEY });
  try {
    const conn = await connect(tlsGw.hubUrl('/hubs/posts'));
    await assertDelivered(tlsGw.grpcClient, conn, 'posts', 'over TLS');
    const err = await grpcError(
      plaintext.send({ hub: 'posts', method: 'Note', all: {} }, { timeoutMs: 3000 }),
    );
    assert.notEqual(err.code, grpc.status.OK);
    assert.match(tlsGw.logs(), /Push API bound to 127\.0\.0\.1:\d+ \(TLS; 1 API key/);
    await stopAll([conn]);
  } finally {
    plaintext.close();
    await tlsGw.stop();
  }
});

test('mTLS: a client certificate from the CA is required and is a credential', async () => {
  const { f, read } = certificates();
  const mtlsGw = await startGateway({
    grpcListen: '0.0.0.0:0',
    config: {
      push_api: {
        tls: { cert_file: f('server.pem'), key_file: f('server.key'), client_ca_file: f('ca.pem') },
      },
    },
    grpcCredentials: grpc.credentials.createSsl(read('ca.pem'), read('client.key'), read('client.pem')),
  });
  const noCert = createPushClient(mtlsGw.grpcTarget, {
    credentials: grpc.credentials.createSsl(read('ca.pem')),
  });
  const wrongCa = createPushClient(mtlsGw.grpcTarget, {
    credentials: grpc.credentials.createSsl(read('ca.pem'), read('other.key'), read('other.pem')),
  });
  try {
    // mTLS counts as a credential: the configured host is kept, without the warning.
    const [, host] = await mtlsGw.waitForLog(/Push API bound to (\S+):(\d+) /);
    assert.equal(host, '0.0.0.0');
    assert.doesNotMatch(mtlsGw.logs(), /SECURITY: the Push API/);
    const conn = await connect(mtlsGw.hubUrl('/hubs/posts'));
    await assertDelivered(mtlsGw.grpcClient, conn, 'posts', 'over mTLS');
    for (const client of [noCert, wrongCa]) {
      const err = await grpcError(
        client.send({ hub: 'posts', method: 'Note', all: {} }, { timeoutMs: 3000 }),
      );
      assert.ok(
        [grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED].includes(err.code),
        `code ${err.code}: ${err.details}`,
      );
    }
    // hubgate-cli speaks mTLS too.
    const received = waitFor(conn, 'Note', { predicate: (args) => args[0] === 'cli mtls' });
    const run = spawnSync(CLI_BIN, ['send', `--server=127.0.0.1:${mtlsGw.grpcPort}`, '--hub=posts',
      '--target=Note', '--all', '--json="cli mtls"', `--ca_file=${f('ca.pem')}`,
      `--cert_file=${f('client.pem')}`, `--key_file=${f('client.key')}`],
    { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    await received;
    await stopAll([conn]);
  } finally {
    noCert.close();
    wrongCa.close();
    await mtlsGw.stop();
  }
});

// ---------------------------------------------------------------------------------------------
// Configuration errors

test('bad push_api settings and Redis settings are configuration errors (exit 2)', () => {
  const check = (yaml, env = {}) => {
    const file = path.join(dir, `check-${Math.random().toString(16).slice(2)}.yaml`);
    fs.writeFileSync(file, yaml);
    return spawnSync(GATEWAY_BIN, [`--config=${file}`, '--check_config'], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });
  };
  const hubs = 'hubs:\n  - name: posts\n    path: /hubs/posts\n';
  let run = check(`push_api:\n  keys:\n    - name: k\n      key: s\n      operations: [admin]\n${hubs}`);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /push_api\.keys\[0\]\.operations \(line 5\): unknown operation 'admin'/);

  run = check(`redis:\n  address: redis:6379\n${hubs}`);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /redis \(line 2\): Redis is configured in the backplane section/);

  run = check(hubs, { HUBGATE_REDIS_ADDRESS: 'redis:6379' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /environment HUBGATE_REDIS_ADDRESS: Redis is configured with HUBGATE_BACKPLANE_ADDRESSES/);
});
