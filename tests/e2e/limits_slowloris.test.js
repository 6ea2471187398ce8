'use strict';
// Slowloris: clients that send a request header one byte at a time are closed after
// limits.request_header_timeout on every HTTP route, while a healthy client keeps receiving.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { negotiate, stopAll } = require('./lib/clients');
const { measured, healthyClient, limitHits } = require('./lib/limits');

const HEADER_TIMEOUT_MS = 1000;
let gw;
let healthy;
let staticDir;

before(async () => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-slowloris-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<p>hi</p>');
  gw = await startGateway({
    config: {
      http: { static_dir: staticDir },
      limits: { request_header_timeout: `${HEADER_TIMEOUT_MS}ms` },
      hubs: [
        {
          name: 'posts',
          path: '/hubs/posts',
          transports: ['WebSockets', 'ServerSentEvents', 'LongPolling'],
        },
      ],
    },
  });
  healthy = await healthyClient(gw);
});

after(async () => {
  await stopAll([healthy]);
  if (gw) await gw.stop();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

/**
 * Sends `request` one byte every 100 ms (it never completes in time); resolves with the time
 * from connect until the gateway closed the socket.
 */
function trickle(request) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gw.httpPort, '127.0.0.1');
    let sent = 0;
    let timer;
    const started = Date.now();
    socket.on('connect', () => {
      timer = setInterval(() => {
        if (sent < request.length) socket.write(request[sent++]);
      }, 100);
    });
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      if (sent >= request.length) reject(new Error('the whole request was sent before the close'));
      else resolve(Date.now() - started);
    });
  });
}

test('a trickled header is closed after the header timeout on every route', async () => {
  const n = await negotiate(gw.hubUrl('/hubs/posts'));
  const token = n.body.connectionToken;
  const host = `Host: 127.0.0.1:${gw.httpPort}\r\n`;
  const routes = {
    negotiate: `POST /hubs/posts/negotiate?negotiateVersion=1 HTTP/1.1\r\n${host}Content-Length: 0\r\n\r\n`,
    websocket:
      `GET /hubs/posts?id=${token} HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    sse: `GET /hubs/posts?id=${token} HTTP/1.1\r\n${host}Accept: text/event-stream\r\n\r\n`,
    long_polling: `GET /hubs/posts?id=${token} HTTP/1.1\r\n${host}\r\n`,
    static_file: `GET /index.html HTTP/1.1\r\n${host}User-Agent: slowloris-slowloris\r\n\r\n`,
  };
  const before = await limitHits(gw, 'request_header_timeout');
  const closedAfter = await measured(gw, 'slowloris on 5 routes x 20 sockets', () =>
    Promise.all(
      Object.values(routes).flatMap((request) => Array.from({ length: 20 }, () => trickle(request))),
    ),
  );
  for (const ms of closedAfter) {
    assert.ok(ms >= HEADER_TIMEOUT_MS - 50, `closed after ${ms} ms, before the timeout`);
    assert.ok(ms < HEADER_TIMEOUT_MS + 3000, `closed only after ${ms} ms`);
  }
  assert.equal((await limitHits(gw, 'request_header_timeout')) - before, 100);
  await healthy.assertReceivesPushes();
});
