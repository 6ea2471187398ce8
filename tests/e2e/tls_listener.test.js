'use strict';
// Native TLS on the HTTP/WebSocket listener (http.tls) and on the admin port (admin.tls),
// against the real binary with certificates made here by the openssl CLI: the official client
// over https/wss on every transport and both protocols, with four workers so that connections
// move between workers; plain HTTP on the TLS port refused without harm to others; the
// certificate re-read when its files change and on SIGHUP, established connections kept; a
// broken replacement refused while the old certificate goes on serving.

// The test CA is not in Node's trust store, and NODE_EXTRA_CA_CERTS is read only at start-up:
// the clients of this file (one process) skip verification; which certificate the gateway
// serves is checked explicitly (servedFingerprint).
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const net = require('node:net');
const path = require('node:path');
const tls = require('node:tls');
const { after, before } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, waitFor, stopAll, signalR } = require('./lib/clients');
const { parseMetrics } = require('./lib/admin');
const { makeTestCertificates } = require('./lib/certificates');

const first = makeTestCertificates('hubgate-tls-listener-');
const second = makeTestCertificates('hubgate-tls-listener-');
// The files the gateway reads; the tests overwrite them to rotate the certificate.
const certFile = path.join(first.dir, 'served.pem');
const keyFile = path.join(first.dir, 'served.key');
fs.copyFileSync(first.file('server.pem'), certFile);
fs.copyFileSync(first.file('server.key'), keyFile);

const fingerprint = (pem) => new crypto.X509Certificate(pem).fingerprint256;
const FIRST = fingerprint(first.read('server.pem'));
const SECOND = fingerprint(second.read('server.pem'));

let gw;
let base;
before(async () => {
  gw = await startGateway({
    workers: 4,
    config: {
      http: { tls: { cert_file: certFile, key_file: keyFile } },
      admin: { tls: { cert_file: first.file('server.pem'), key_file: first.file('server.key') } },
    },
  });
  base = `https://127.0.0.1:${gw.httpPort}`;
});
after(async () => {
  if (gw) await gw.stop();
  fs.rmSync(first.dir, { recursive: true, force: true });
  fs.rmSync(second.dir, { recursive: true, force: true });
});

/** The SHA-256 fingerprint of the certificate a new TLS connection to `port` is served. */
function servedFingerprint(port) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const certificate = socket.getPeerX509Certificate();
      socket.destroy();
      resolve(certificate.fingerprint256);
    });
    socket.on('error', reject);
  });
}

/** GET over https; resolves with {status, body}. */
function httpsGet(url) {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

async function metrics() {
  const response = await httpsGet(`https://127.0.0.1:${gw.adminPort}/metrics`);
  assert.equal(response.status, 200);
  const parsed = parseMetrics(response.body);
  return (key) => parsed.get(key) ?? 0;
}

/** Pushes to every connection by id and checks each got its own message. */
async function pushToEach(connections, tag) {
  const received = connections.map((c) =>
    waitFor(c, 'Tls', { predicate: (args) => args[0] === `${tag}:${c.connectionId}` }),
  );
  for (const c of connections) {
    const response = await gw.grpcClient.send({
      hub: 'posts',
      method: 'Tls',
      argumentsJson: JSON.stringify([`${tag}:${c.connectionId}`]),
      connectionId: c.connectionId,
    });
    assert.equal(Number(response.recipients ?? 1) >= 0, true);
  }
  await Promise.all(received);
}

const CELLS = [
  ['WebSockets', 'json'],
  ['WebSockets', 'messagepack'],
  ['ServerSentEvents', 'json'],
  ['LongPolling', 'json'],
  ['LongPolling', 'messagepack'],
];

for (const [transport, protocol] of CELLS) {
  test(`https/wss: ${transport} + ${protocol}: connects, receives its pushes, calls the server`, async () => {
    // Eight connections over four workers: most negotiations and connects land on a worker
    // that does not own the connection, so the TLS connection moves between workers.
    const connections = [];
    try {
      for (let i = 0; i < 8; i++) {
        connections.push(
          await connect(`${base}/hubs/posts`, {
            transport: signalR.HttpTransportType[transport],
            protocol,
          }),
        );
      }
      await pushToEach(connections, `${transport}-${protocol}`);
      // A client-to-server message (an invocation of a method the hub does not have) goes out
      // over the same transport (POST for SSE and Long Polling) and its error comes back.
      await assert.rejects(connections[0].invoke('NoSuchMethod'), /Method does not exist|NoSuchMethod/);
      await pushToEach(connections, `again-${transport}-${protocol}`);
    } finally {
      await stopAll(connections);
    }
  });
}

test('plain HTTP on the TLS port gets no answer, is counted, and harms nobody', async () => {
  const before = (await metrics())('hubgate_tls_handshake_failures_total{listener="http"}');
  const bystander = await connect(`${base}/hubs/posts`);
  try {
    const answered = await new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: gw.httpPort }, () => {
        socket.write('POST /hubs/posts/negotiate?negotiateVersion=1 HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    assert.doesNotMatch(answered, /HTTP\/1\.1 200/);
    const afterValue = (await metrics())('hubgate_tls_handshake_failures_total{listener="http"}');
    assert.ok(afterValue >= before + 1, `handshake failures ${before} -> ${afterValue}`);
    await pushToEach([bystander], 'bystander');
  } finally {
    await stopAll([bystander]);
  }
});

test('the admin port serves /metrics over https with the certificate expiry', async () => {
  assert.equal(await servedFingerprint(gw.adminPort), FIRST);
  const value = await metrics();
  const expiry = value('hubgate_tls_certificate_expiry_timestamp_seconds{listener="http"}');
  const notAfter = Date.parse(new crypto.X509Certificate(first.read('server.pem')).validTo) / 1000;
  assert.equal(expiry, notAfter);
});

/** Resolves once new connections are served the certificate with `expected` fingerprint. */
async function servedSoon(expected, what) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const served = await servedFingerprint(gw.httpPort);
    if (served === expected) return;
    if (Date.now() > deadline) assert.fail(`${what}: still serving ${served}`);
    await gw.waitForLog(/certificate reloaded|certificate not reloaded/, 1000).catch(() => {});
  }
}

test('a changed certificate serves new connections; established ones keep going', async () => {
  assert.equal(await servedFingerprint(gw.httpPort), FIRST);
  const established = [
    await connect(`${base}/hubs/posts`),
    await connect(`${base}/hubs/posts`, { transport: signalR.HttpTransportType.LongPolling }),
  ];
  try {
    const reloadsBefore = (await metrics())(
      'hubgate_tls_certificate_reloads_total{listener="http",result="reloaded"}',
    );
    // A broken replacement first (a key that does not match): refused, the old one stays.
    fs.copyFileSync(second.file('server.pem'), certFile);
    await gw.waitForLog(/http\.tls: certificate not reloaded.*key_file/);
    assert.equal(await servedFingerprint(gw.httpPort), FIRST);
    await pushToEach(established, 'during-broken');
    // Then the matching key: picked up by the once-a-second check.
    fs.copyFileSync(second.file('server.key'), keyFile);
    await servedSoon(SECOND, 'after the files changed');
    const value = await metrics();
    assert.equal(
      value('hubgate_tls_certificate_reloads_total{listener="http",result="reloaded"}'),
      reloadsBefore + 1,
    );
    assert.ok(value('hubgate_tls_certificate_reloads_total{listener="http",result="failed"}') >= 1);
    // The connections made before the rotation were not dropped.
    await pushToEach(established, 'after-rotation');
    assert.equal(established[0].state, signalR.HubConnectionState.Connected);
    assert.equal(established[1].state, signalR.HubConnectionState.Connected);
    // And new ones work with the new certificate.
    const fresh = await connect(`${base}/hubs/posts`);
    established.push(fresh);
    await pushToEach([fresh], 'fresh');
  } finally {
    await stopAll(established);
  }
});

test('SIGHUP re-reads the certificate files at once', async () => {
  fs.copyFileSync(first.file('server.pem'), certFile);
  fs.copyFileSync(first.file('server.key'), keyFile);
  gw.process.kill('SIGHUP');
  await gw.waitForLog(/received SIGHUP/);
  await servedSoon(FIRST, 'after SIGHUP');
  const connection = await connect(`${base}/hubs/posts`);
  try {
    await pushToEach([connection], 'after-sighup');
  } finally {
    await stopAll([connection]);
  }
});
