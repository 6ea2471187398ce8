'use strict';
// Issue 11, item 2 (backend side): hubs reach their backends over TLS (backend_tls: ca_file,
// optional client certificate and key), with certificates made by the openssl CLI
// (lib/certificates.js).
// Without the right CA the backend is not trusted, and the log says so.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { buildConnection, connect, stopAll, startError } = require('./lib/clients');
const { startTestBackend } = require('./lib/test_backend');
const { waitForDescription } = require('./lib/hub_handler');
const { makeTestCertificates } = require('./lib/certificates');

const HANDSHAKE_ERROR =
  'Server returned handshake error: An unexpected error occurred during connection handshake.';

let dir;
let gw;
let server; // TLS only
let mutual; // TLS, requires a client certificate signed by the CA
const open = [];
let file;
let read;

before(async () => {
  ({ dir, file, read } = makeTestCertificates('hubgate-backend-tls-'));
  server = await startTestBackend({ tls: { key: read('server.key'), cert: read('server.pem') } });
  mutual = await startTestBackend({
    tls: { key: read('server.key'), cert: read('server.pem'), ca: read('ca.pem') },
  });
  gw = await startGateway({
    workers: 2,
    config: {
      hubs: [
        { name: 'secure', backend_target: server.target, backend_tls: { ca_file: file('ca.pem') } },
        { name: 'wrongca', backend_target: server.target, backend_tls: { ca_file: file('other.pem') } },
        { name: 'plain', backend_target: server.target },
        {
          name: 'mutual',
          backend_target: mutual.target,
          backend_tls: { ca_file: file('ca.pem'), cert_file: file('client.pem'), key_file: file('client.key') },
        },
        { name: 'nocert', backend_target: mutual.target, backend_tls: { ca_file: file('ca.pem') } },
      ],
    },
  });
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
  if (server) await server.stop();
  if (mutual) await mutual.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});


test('a hub with the backend CA reaches its TLS backend', async () => {
  await waitForDescription(gw, 'secure');
  const conn = await connect(gw.hubUrl('/hubs/secure'));
  open.push(conn);
  assert.equal(await conn.invoke('Echo', 'over tls'), 'over tls');
  const seen = await server.waitFor((e) => e.type === 'connected' && e.context.hub === 'secure');
  assert.equal(seen.context.connectionId, conn.connectionId);
});

test('with another CA the backend is not trusted: a clear log line, connections refused', async () => {
  const [line] = await gw.waitForLog(/hub 'wrongca': backend \S+ \(TLS\) cannot be described[^\n]*/);
  assert.match(line, /UNAVAILABLE/);
  assert.match(line, /certificate|CERTIFICATE|handshake|SSL/i);
  assert.equal(await startError(buildConnection(gw.hubUrl('/hubs/wrongca'))), HANDSHAKE_ERROR);
});

test('a plaintext hub cannot talk to a TLS backend, and the log says plaintext', async () => {
  const [line] = await gw.waitForLog(/hub 'plain': backend \S+ \(plaintext\) cannot be described[^\n]*/);
  assert.match(line, /UNAVAILABLE/);
});

test('mutual TLS: the client certificate is presented; without it the backend refuses', async () => {
  await waitForDescription(gw, 'mutual');
  const conn = await connect(gw.hubUrl('/hubs/mutual'));
  open.push(conn);
  assert.equal(await conn.invoke('Echo', 'mutual'), 'mutual');
  await gw.waitForLog(/hub 'nocert': backend \S+ \(TLS\) cannot be described/);
  assert.equal(await startError(buildConnection(gw.hubUrl('/hubs/nocert'))), HANDSHAKE_ERROR);
});
