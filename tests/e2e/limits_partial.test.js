'use strict';
// limits.partial_message_timeout: a WebSocket client that begins a message and never finishes
// it (trickling continuation frames, never pinging) is closed, while a healthy client keeps
// receiving. A message sent in fragments that completes in time is served as usual.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { rawHubClient, stopAll, RS } = require('./lib/clients');
const { measured, healthyClient, limitHits } = require('./lib/limits');

const TIMEOUT_MS = 1000;
let gw;
let healthy;
const open = [];

before(async () => {
  gw = await startGateway({ config: { limits: { partial_message_timeout: `${TIMEOUT_MS}ms` } } });
  healthy = await healthyClient(gw);
});

after(async () => {
  await stopAll([healthy, ...open]);
  if (gw) await gw.stop();
});

test('a WebSocket message never finished closes its connection', async () => {
  const clients = await Promise.all(
    Array.from({ length: 10 }, () => rawHubClient(gw.hubUrl('/hubs/posts'))),
  );
  open.push(...clients);
  const started = Date.now();
  const timers = clients.map((client) => {
    client.ws.send('{"type":1,"target":"x","arguments":["', { fin: false });
    return setInterval(() => client.ws.send('a', { fin: false }), 100);
  });
  const closed = await measured(gw, 'partial-message trickle (10 connections)', () =>
    Promise.all(clients.map((client) => client.closedPromise.then(() => Date.now() - started))),
  );
  timers.forEach(clearInterval);
  for (const ms of closed) {
    assert.ok(ms >= TIMEOUT_MS - 50, `closed after ${ms} ms`);
    assert.ok(ms < TIMEOUT_MS + 3000, `closed only after ${ms} ms`);
  }
  assert.equal(await limitHits(gw, 'partial_message_timeout'), 10);
  await healthy.assertReceivesPushes();
});

test('a fragmented message finished in time is served', async () => {
  const client = await rawHubClient(gw.hubUrl('/hubs/posts'));
  open.push(client);
  client.ws.send('{"type":6}', { fin: false });
  client.ws.send(RS, { fin: true });
  const before = await limitHits(gw, 'partial_message_timeout');
  // Longer than the timeout, with the message complete: the connection stays.
  client.sendText(`{"type":6}${RS}`);
  await healthy.assertReceivesPushes();
  await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS + 1500));
  assert.equal(client.closeInfo, undefined);
  assert.equal(await limitHits(gw, 'partial_message_timeout'), before);
});
