'use strict';
// limits.partial_message_timeout: a client that begins a message and never finishes it is
// closed, while a healthy client keeps receiving: a WebSocket message trickled in continuation
// frames, a hub record trickled in finished WebSocket messages, a Long Polling send that leaves
// a record open. A message sent in fragments that completes in time is served as usual.

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

test('a hub record begun in finished WebSocket messages and never ended closes its connection', async () => {
  // Each WebSocket message is complete; the hub record they carry never gets its 0x1E.
  const client = await rawHubClient(gw.hubUrl('/hubs/posts'));
  open.push(client);
  const before = await limitHits(gw, 'partial_message_timeout');
  const started = Date.now();
  client.sendText('{"type":1,"target":"x","arguments":["');
  const timer = setInterval(() => client.sendText('a'), 100);
  await client.closedPromise;
  clearInterval(timer);
  const ms = Date.now() - started;
  assert.ok(ms >= TIMEOUT_MS - 50, `closed after ${ms} ms`);
  assert.ok(ms < TIMEOUT_MS + 3000, `closed only after ${ms} ms`);
  assert.equal(await limitHits(gw, 'partial_message_timeout'), before + 1);
  await healthy.assertReceivesPushes();
});

test('a Long Polling send that leaves a hub record open closes its connection', async () => {
  const hubUrl = gw.hubUrl('/hubs/posts');
  const negotiated = await (
    await fetch(`${hubUrl}/negotiate?negotiateVersion=1`, { method: 'POST' })
  ).json();
  const url = `${hubUrl}?id=${encodeURIComponent(negotiated.connectionToken)}`;
  const poll = () => fetch(url).then(async (r) => ({ status: r.status, body: await r.text() }));
  assert.equal((await poll()).status, 200); // the first poll returns at once
  await fetch(url, { method: 'POST', body: `{"protocol":"json","version":1}${RS}` });
  assert.equal((await poll()).body, `{}${RS}`); // the handshake answer
  const before = await limitHits(gw, 'partial_message_timeout');
  const started = Date.now();
  const sent = await fetch(url, { method: 'POST', body: '{"type":1,"target":"x","arguments":["' });
  assert.equal(sent.status, 200);
  // Polls are held until the connection ends: 204 then.
  let last;
  do {
    last = await poll();
  } while (last.status === 200 && Date.now() - started < TIMEOUT_MS + 5000);
  const ms = Date.now() - started;
  assert.equal(last.status, 204, `poll answered ${last.status} ${last.body}`);
  assert.ok(ms >= TIMEOUT_MS - 50, `closed after ${ms} ms`);
  assert.ok(ms < TIMEOUT_MS + 3000, `closed only after ${ms} ms`);
  assert.equal(await limitHits(gw, 'partial_message_timeout'), before + 1);
  await healthy.assertReceivesPushes();
});
