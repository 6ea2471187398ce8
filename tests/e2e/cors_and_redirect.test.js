'use strict';
// CORS for browsers on another origin (preflights, credentials, allowed and refused origins)
// and the negotiate redirect (a front door sending clients to another gateway node).

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { signalR, connect, stopAll, waitFor, negotiate, mintToken, RS } = require('./lib/clients');
const { poll, send, sseOpen } = require('./lib/transports');

const GATEWAY_BIN =
  process.env.HUBGATE_BIN ||
  path.join(__dirname, '..', '..', 'build', 'release', 'gateway', 'hubgate');
const ALLOWED = 'https://app.example';
const SECRET = 'cors-and-redirect-secret';

let cors; // allowed_origins: [ALLOWED]
let nodeB; // the node clients are sent to (requires a token)
let frontA; // redirects to nodeB, passing the caller's token through
let frontFixed; // redirects to nodeB with a configured token
const open = [];

before(async () => {
  cors = await startGateway({ config: { cors: { allowed_origins: [ALLOWED], max_age: '5m' } } });
  nodeB = await startGateway({
    name: 'node-b',
    config: { auth: { hs256_secret: SECRET }, hubs: [{ name: 'posts', require_auth: true }] },
  });
  const target = nodeB.hubUrl('/hubs/posts');
  frontA = await startGateway({
    name: 'front-a',
    config: { hubs: [{ name: 'posts', negotiate_redirect: { url: target } }] },
  });
  frontFixed = await startGateway({
    name: 'front-fixed',
    config: {
      hubs: [
        {
          name: 'posts',
          negotiate_redirect: { url: target, access_token: mintToken('front-user', SECRET) },
        },
      ],
    },
  });
});

after(async () => {
  await stopAll(open);
  await Promise.all([cors, nodeB, frontA, frontFixed].filter(Boolean).map((g) => g.stop()));
});

const preflight = (gw, path, origin, method = 'POST', headers = 'x-requested-with,x-signalr-user-agent,authorization') =>
  fetch(gw.hubUrl(path), {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      'Access-Control-Request-Headers': headers,
    },
  });

test('preflight from an allowed origin: 204 echoing origin, method and headers, with credentials', async () => {
  const r = await preflight(cors, '/hubs/posts/negotiate', ALLOWED);
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('access-control-allow-origin'), ALLOWED);
  assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
  assert.equal(r.headers.get('access-control-allow-methods'), 'POST');
  assert.equal(
    r.headers.get('access-control-allow-headers'),
    'x-requested-with,x-signalr-user-agent,authorization',
  );
  assert.equal(r.headers.get('access-control-max-age'), '300');
  assert.match(r.headers.get('vary'), /Origin/);
  // The hub path itself (SSE/LP GET, POST, DELETE) is preflighted too.
  const hub = await preflight(cors, '/hubs/posts', ALLOWED, 'DELETE');
  assert.equal(hub.status, 204);
  assert.equal(hub.headers.get('access-control-allow-methods'), 'DELETE');
});

test('preflight from a disallowed origin carries no CORS headers', async () => {
  const r = await preflight(cors, '/hubs/posts/negotiate', 'https://evil.example');
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  assert.equal(r.headers.get('access-control-allow-credentials'), null);
  assert.equal(r.headers.get('access-control-allow-methods'), null);
});

test('cross-origin negotiate with credentials, then SSE and LP responses, carry the CORS headers', async () => {
  const response = await fetch(`${cors.hubUrl('/hubs/posts')}/negotiate?negotiateVersion=1`, {
    method: 'POST',
    credentials: 'include',
    headers: { Origin: ALLOWED, 'X-Requested-With': 'XMLHttpRequest', Cookie: 'session=1' },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
  assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
  const body = await response.json();

  const sse = await sseOpen(cors.hubUrl('/hubs/posts'), body.connectionToken, {
    headers: { Origin: ALLOWED },
  });
  open.push({ stop: async () => sse.close() });
  assert.equal(sse.status, 200);
  assert.equal(sse.headers.get('access-control-allow-origin'), ALLOWED);
  assert.equal(sse.headers.get('access-control-allow-credentials'), 'true');
  const sent = await fetch(`${cors.hubUrl('/hubs/posts')}?id=${body.connectionToken}`, {
    method: 'POST',
    headers: { Origin: ALLOWED },
    body: `{"protocol":"json","version":1}${RS}`,
  });
  assert.equal(sent.status, 200);
  assert.equal(sent.headers.get('access-control-allow-origin'), ALLOWED);
  sse.close();

  const lp = await negotiate(cors.hubUrl('/hubs/posts'));
  const first = await poll(cors.hubUrl('/hubs/posts'), lp.body.connectionToken, {
    headers: { Origin: ALLOWED },
  });
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('access-control-allow-origin'), ALLOWED);
  // An error answer is readable by the page too.
  const unknown = await poll(cors.hubUrl('/hubs/posts'), 'nope', { headers: { Origin: ALLOWED } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get('access-control-allow-origin'), ALLOWED);
});

test('a disallowed origin gets no CORS headers on negotiate', async () => {
  const response = await fetch(`${cors.hubUrl('/hubs/posts')}/negotiate?negotiateVersion=1`, {
    method: 'POST',
    headers: { Origin: 'https://evil.example' },
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), null);
  assert.equal(response.headers.get('access-control-allow-credentials'), null);
});

test('"*" is refused: it would let every site make credentialed requests', () => {
  const env = { ...process.env, HUBGATE_CORS_ALLOWED_ORIGINS: '*' };
  const run = spawnSync(GATEWAY_BIN, ['--check_config'], { env, encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /cors\.allowed_origins: "\*" is not allowed/);
});

test('without CORS configured, OPTIONS on a hub path is 405 and no CORS headers appear', async () => {
  const r = await preflight(nodeB, '/hubs/posts/negotiate', ALLOWED);
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('access-control-allow-origin'), null);
});

test('negotiate redirect: the official client follows it to node B with the caller\'s token', async () => {
  const token = mintToken('redirected-user', SECRET);
  const n = await negotiate(frontA.hubUrl('/hubs/posts'), { token });
  assert.equal(n.status, 200);
  assert.deepEqual(n.body, { url: nodeB.hubUrl('/hubs/posts'), accessToken: token });
  assert.equal((await negotiate(frontA.hubUrl('/hubs/posts'))).body.accessToken, undefined);

  const conn = await connect(frontA.hubUrl('/hubs/posts'), { accessToken: token });
  open.push(conn);
  const got = waitFor(conn, 'ViaB');
  const viaB = await nodeB.grpcClient.send({ hub: 'posts', method: 'ViaB', userId: 'redirected-user' });
  assert.equal(viaB.queuedConnections, '1');
  assert.deepEqual(await got, []);
  const viaA = await frontA.grpcClient.send({ hub: 'posts', method: 'ViaA', all: {} });
  assert.equal(viaA.queuedConnections, '0', 'nothing is connected to the front door');
  await conn.stop();
});

test('negotiate redirect with a configured access token: node B sees that token\'s user', async () => {
  const conn = await connect(frontFixed.hubUrl('/hubs/posts'), {
    transport: signalR.HttpTransportType.LongPolling,
  });
  open.push(conn);
  const got = waitFor(conn, 'ForFront');
  const r = await nodeB.grpcClient.send({ hub: 'posts', method: 'ForFront', userId: 'front-user' });
  assert.equal(r.queuedConnections, '1');
  assert.deepEqual(await got, []);
  await conn.stop();
});
