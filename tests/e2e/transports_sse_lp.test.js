'use strict';
// Server-Sent Events and Long Polling: the official client over both (JSON; Long Polling also
// with MessagePack), the client's fallback when WebSockets is not offered, and the HTTP rules
// of .NET's dispatcher checked with raw fetch (status codes, poll replacement, DELETE, the
// disconnect timeout, queued pushes, back-pressure).

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { test } = require('./lib/gateway');
const {
  signalR,
  RS,
  connect,
  stopAll,
  waitFor,
  subscribeStream,
  rawHubClient,
  negotiate,
  mintToken,
} = require('./lib/clients');
const { poll, send, del, records, lpConnect, sseOpen } = require('./lib/transports');
const { startGatewayWithTestBackend } = require('./lib/test_backend');

const { ServerSentEvents, LongPolling } = signalR.HttpTransportType;

const SECRET = 'sse-lp-secret-0123456789abcdefghij';
let gw;
let backend;
const open = [];

before(async () => {
  ({ backend, gw } = await startGatewayWithTestBackend({
    workers: 2,
    hubs: [
      { name: 'all' },
      { name: 'sselp', transports: ['ServerSentEvents', 'LongPolling'] },
      { name: 'lponly', transports: ['LongPolling'] },
      { name: 'wsonly', transports: ['WebSockets'], backend_target: '' },
      { name: 'quick', backend_target: '', disconnect_timeout: '2s', poll_timeout: '1s' },
      { name: 'small', backend_target: '', max_queued_bytes: 2500 },
      { name: 'lossy', backend_target: '', max_queued_bytes: 2500, slow_consumer_policy: 'drop' },
      { name: 'authed', backend_target: '', require_auth: true },
    ],
    config: { auth: { hs256_secret: SECRET } },
  }));
});

after(async () => {
  await stopAll(open);
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});

const url = (hub) => gw.hubUrl(`/hubs/${hub}`);
const push = (hub, connectionId, method, args = []) =>
  gw.grpcClient.send({
    hub,
    method,
    connectionId,
    argumentsJson: JSON.stringify(args),
  });

/** The official client over `transport`: push, invoke, stream, then a clean stop. */
async function exerciseOfficialClient(transport, protocol) {
  const conn = await connect(url('all'), { transport, protocol });
  open.push(conn);
  const context = await conn.invoke('Context');
  assert.equal(context.transport, transport === ServerSentEvents ? 'ServerSentEvents' : 'LongPolling');
  assert.equal(context.protocol, protocol);
  assert.equal(context.connectionId, conn.connectionId);

  const got = waitFor(conn, 'Note');
  const r = await push('all', conn.connectionId, 'Note', ['over the wire']);
  assert.equal(r.queuedConnections, '1');
  assert.deepEqual(await got, ['over the wire']);

  assert.equal(await conn.invoke('Echo', 'hé \n "quoted"'), 'hé \n "quoted"');
  const stream = subscribeStream(conn.stream('Count', 3));
  const { items, error } = await stream.ended();
  assert.equal(error, undefined);
  assert.deepEqual(items.map(Number), [0, 1, 2]);

  const id = conn.connectionId; // null once stopped
  await conn.stop();
  assert.equal(await conn.closed, undefined, 'onclose without an error');
  const gone = await backend.waitFor((e) => e.type === 'disconnected' && e.connectionId === id);
  assert.equal(gone.error, '', 'a clean close');
}

test('official client over Server-Sent Events (JSON): push, invoke, stream, clean stop', async () => {
  await exerciseOfficialClient(ServerSentEvents, 'json');
});

test('official client over Long Polling (JSON): push, invoke, stream, clean stop', async () => {
  await exerciseOfficialClient(LongPolling, 'json');
});

test('official client over Long Polling (MessagePack): push, invoke, stream, clean stop', async () => {
  await exerciseOfficialClient(LongPolling, 'messagepack');
});

test('fallback: without WebSockets a default client lands on SSE, with LongPolling only on LP', async () => {
  const onSse = await connect(url('sselp'), { transport: undefined });
  open.push(onSse);
  assert.equal((await onSse.invoke('Context')).transport, 'ServerSentEvents');
  const onLp = await connect(url('lponly'), { transport: undefined });
  open.push(onLp);
  assert.equal((await onLp.invoke('Context')).transport, 'LongPolling');
  // MessagePack needs Binary, which SSE lacks: the client skips it.
  const binary = await connect(url('sselp'), { protocol: 'messagepack' });
  open.push(binary);
  assert.equal((await binary.invoke('Context')).transport, 'LongPolling');
  const negotiated = await negotiate(url('sselp'));
  assert.deepEqual(
    negotiated.body.availableTransports.map((t) => t.transport),
    ['ServerSentEvents', 'LongPolling'],
  );
  await stopAll([onSse, onLp, binary]);
});

test('a disabled transport is refused with 404', async () => {
  const n = await negotiate(url('wsonly'));
  assert.deepEqual(n.body.availableTransports.map((t) => t.transport), ['WebSockets']);
  const sse = await sseOpen(url('wsonly'), n.body.connectionToken);
  assert.equal(sse.status, 404);
  const lp = await poll(url('wsonly'), n.body.connectionToken);
  assert.equal(lp.status, 404);
  assert.match(lp.body.toString(), /LongPolling transport not supported/);
});

test('status codes: 400 without id, 404 for an unknown id on GET, POST and DELETE', async () => {
  assert.equal((await fetch(url('all'))).status, 400);
  assert.equal((await poll(url('all'), 'nope')).status, 404);
  assert.equal((await send(url('all'), 'nope', 'x')).status, 404);
  assert.equal(await del(url('all'), 'nope'), 404);
  const sse = await sseOpen(url('all'), 'nope');
  assert.equal(sse.status, 404);
});

test('LP: the first poll returns at once with 200 and no body; pushes between polls arrive in order in the next poll', async () => {
  const { token, connectionId, first } = await lpConnect(url('quick'));
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('content-length'), '0');
  assert.equal(first.body.length, 0);
  // No poll is pending: the connection is kept and the pushes wait.
  for (const n of ['1', '2', '3']) {
    const r = await push('quick', connectionId, 'Seq', [n]);
    assert.equal(r.queuedConnections, '1');
  }
  const next = await poll(url('quick'), token);
  assert.equal(next.status, 200);
  assert.equal(next.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual(
    records(next.body.toString()).map((m) => [m.target, m.arguments[0]]),
    [['Seq', '1'], ['Seq', '2'], ['Seq', '3']],
  );
  assert.equal(await del(url('quick'), token), 202);
});

test('LP: a held poll ends with 200 and no body after poll_timeout', async () => {
  const { token } = await lpConnect(url('quick'));
  const started = Date.now();
  const held = await poll(url('quick'), token, { timeoutMs: 5000 });
  // Elapsed time is the subject here: poll_timeout is 1 s (checked on the 1 s tick).
  assert.ok(Date.now() - started >= 900, `answered after ${Date.now() - started} ms`);
  assert.equal(held.status, 200);
  assert.equal(held.body.length, 0);
  assert.equal(await del(url('quick'), token), 202);
});

test('LP: a newer poll cancels the held one with 204; DELETE answers 202 and ends the held poll with 204', async () => {
  const { token, connectionId } = await lpConnect(url('all'));
  const heldLine = new RegExp(`connection ${connectionId}: long poll held`);
  const first = poll(url('all'), token);
  await gw.waitForLog(heldLine);
  const second = poll(url('all'), token);
  assert.equal((await first).status, 204);
  await gw.waitForLog(new RegExp(`connection ${connectionId}: a newer poll replaces`));
  const r = await push('all', connectionId, 'AfterReplace');
  assert.equal(r.queuedConnections, '1');
  const answered = await second;
  assert.equal(answered.status, 200);
  assert.equal(records(answered.body.toString())[0].target, 'AfterReplace');

  const third = poll(url('all'), token);
  await gw.waitForLog(new RegExp(`(${heldLine.source}[\\s\\S]*){3}`));
  assert.equal(await del(url('all'), token), 202);
  assert.equal((await third).status, 204);
  assert.equal((await poll(url('all'), token)).status, 404);
  assert.equal((await send(url('all'), token, 'x')).status, 404);
});

test("LP: the client's Close message ends the held poll with 204 and the connection", async () => {
  const { token, connectionId } = await lpConnect(url('all'));
  // Sending the Close message is the client leaving: the held poll ends with 204.
  const held = poll(url('all'), token);
  await gw.waitForLog(new RegExp(`connection ${connectionId}: long poll held`));
  assert.equal((await send(url('all'), token, `{"type":7}${RS}`)).status, 200);
  assert.equal((await held).status, 204);
  assert.equal((await poll(url('all'), token)).status, 404);
});

test('LP: a connection nobody polls is dropped after disconnect_timeout', async () => {
  const { token, connectionId } = await lpConnect(url('quick'));
  await gw.waitForLog(
    new RegExp(`connection ${connectionId}: no long poll for 2000 ms \\(disconnect_timeout\\)`),
    6000,
  );
  assert.equal((await poll(url('quick'), token)).status, 404);
  const r = await push('quick', connectionId, 'Gone');
  assert.equal(r.queuedConnections, '0');
});

test('LP slow consumer: over max_queued_bytes the connection closes with an error (policy close)', async () => {
  const { token, connectionId } = await lpConnect(url('small'));
  const big = 'x'.repeat(1000);
  await push('small', connectionId, 'Big', [big]);
  await push('small', connectionId, 'Big', [big]);
  await push('small', connectionId, 'Big', [big]); // over 2500 bytes queued: closes
  const drained = await poll(url('small'), token);
  assert.equal(drained.status, 200);
  const messages = records(drained.body.toString());
  assert.deepEqual(messages.slice(0, 2).map((m) => m.target), ['Big', 'Big']);
  const close = messages[messages.length - 1];
  assert.equal(close.type, 7);
  assert.equal(close.error, 'Connection closed with an error.');
  assert.equal((await poll(url('small'), token)).status, 204);
});

test('LP: a client that POSTs invocations and never polls is held at twice the queue bound', async (t) => {
  const { token } = await lpConnect(url('small'));
  // Each POST carries 20 invocations of a method the hub does not have: 20 error Completions
  // (control messages, outside max_queued_bytes) wait for a poll that never comes.
  let next = 0;
  const batch = () => {
    let body = '';
    for (let i = 0; i < 20; i += 1) {
      body += JSON.stringify({ type: 1, invocationId: `i${next++}`, target: 'Nope', arguments: [] }) + RS;
    }
    return body;
  };
  let held = null;
  for (let n = 0; n < 200 && held === null; n += 1) {
    const posted = send(url('small'), token, batch());
    const outcome = await Promise.race([posted, new Promise((r) => setTimeout(() => r('pending'), 1000))]);
    if (outcome === 'pending') held = posted;
    else assert.equal(outcome.status, 200);
  }
  assert.ok(held !== null, 'every POST was answered: replies pile up without bound');
  const second = await send(url('small'), token, batch());
  assert.equal(second.status, 409, 'a second POST while one waits is refused, not buffered');
  const drained = await poll(url('small'), token);
  assert.equal(drained.status, 200);
  const bytes = drained.body.length;
  t.diagnostic(`${next} invocations posted, ${bytes} bytes of replies queued when the POST was held`);
  // Reading stops above 2 x 2500 bytes; the last POST processed may add its 20 replies (~2 KB).
  assert.ok(bytes <= 2 * 2500 + 20 * 120, `${bytes} bytes queued`);
  assert.equal((await held).status, 200, 'the held POST is answered once the client read');
  const rest = records((await poll(url('small'), token)).body.toString());
  assert.equal(rest.length, 20, "the held POST's invocations were processed after the poll");
});

test('LP slow consumer with policy drop: the overflowing push is dropped, the connection stays', async () => {
  const { token, connectionId } = await lpConnect(url('lossy'));
  const big = 'y'.repeat(1000);
  for (const n of ['1', '2', '3']) await push('lossy', connectionId, 'Big', [n + big]);
  const first = records((await poll(url('lossy'), token)).body.toString());
  assert.deepEqual(first.map((m) => m.arguments[0][0]), ['1', '2']);
  await push('lossy', connectionId, 'Fence', ['after']);
  const second = records((await poll(url('lossy'), token)).body.toString());
  assert.deepEqual(second.map((m) => m.target), ['Fence']);
  assert.equal(await del(url('lossy'), token), 202);
});

test('SSE: headers, ":" first, data: events, 409 for a second stream, 400 for DELETE, 405 for POST on a WebSocket', async () => {
  const n = await negotiate(url('all'));
  const token = n.body.connectionToken;
  const sse = await sseOpen(url('all'), token);
  open.push({ stop: async () => sse.close() });
  assert.equal(sse.status, 200);
  assert.equal(sse.headers.get('content-type'), 'text/event-stream');
  assert.match(sse.headers.get('cache-control'), /no-cache/);
  await sse.waitFor((t) => t.startsWith(':\r\n'), 'the first ":" line');

  const second = await sseOpen(url('all'), token);
  assert.equal(second.status, 409);
  assert.equal((await poll(url('all'), token)).status, 400, 'an LP poll on an SSE connection');
  assert.equal(await del(url('all'), token), 400);

  assert.equal((await send(url('all'), token, `{"protocol":"json","version":1}${RS}`)).status, 200);
  await sse.waitFor((t) => t.includes(`data: {}${RS}\r\n\r\n`), 'the handshake answer');
  const r = await push('all', n.body.connectionId, 'Evt', ['a\nb']);
  assert.equal(r.queuedConnections, '1');
  await sse.waitFor(
    (t) => t.includes(`data: {"type":1,"target":"Evt","arguments":["a\\nb"]}${RS}\r\n\r\n`),
    'the pushed event',
  );
  // The client leaves by closing the stream.
  sse.close();
  await backend.waitFor((e) => e.type === 'disconnected' && e.connectionId === n.body.connectionId);

  const ws = await rawHubClient(url('all'));
  open.push(ws);
  const post = await send(url('all'), ws.connectionToken, 'x');
  assert.equal(post.status, 405);
  assert.equal(post.text, 'POST requests are not allowed for WebSocket connections.');
});

test('SSE refuses the MessagePack protocol with the .NET handshake error', async () => {
  const n = await negotiate(url('wsonly').replace('wsonly', 'quick'));
  const sse = await sseOpen(url('quick'), n.body.connectionToken);
  assert.equal(sse.status, 200);
  await send(url('quick'), n.body.connectionToken, `{"protocol":"messagepack","version":1}${RS}`);
  const text = await sse.waitFor((t) => t.includes('"error"'), 'the handshake error');
  assert.match(text, /messagepack/);
  await sse.ended;
});

test('SSE and LP: sends, polls and DELETE of another user are refused with 403', async () => {
  const alice = { Authorization: `Bearer ${mintToken('alice', SECRET)}` };
  const bob = { Authorization: `Bearer ${mintToken('bob', SECRET)}` };
  const hub = url('authed');
  const handshake = `{"protocol":"json","version":1}${RS}`;

  // Long Polling, opened by alice.
  let n = await negotiate(hub, { token: mintToken('alice', SECRET) });
  const lp = n.body.connectionToken;
  assert.equal((await poll(hub, lp, { headers: alice })).status, 200);
  assert.equal((await send(hub, lp, handshake, { headers: alice })).status, 200);
  assert.equal((await poll(hub, lp, { headers: alice })).body.toString(), `{}${RS}`);
  assert.equal((await send(hub, lp, `{"type":6}${RS}`, { headers: bob })).status, 403);
  assert.equal((await poll(hub, lp, { headers: bob })).status, 403);
  const deleted = await fetch(`${hub}?id=${lp}`, { method: 'DELETE', headers: bob });
  assert.equal(deleted.status, 403);
  // Still alice's, still alive.
  assert.equal((await send(hub, lp, `{"type":6}${RS}`, { headers: alice })).status, 200);
  const r = await gw.grpcClient.send({ hub: 'authed', method: 'Still', userId: 'alice' });
  assert.equal(r.queuedConnections, '1');

  // Server-Sent Events, opened by alice.
  n = await negotiate(hub, { token: mintToken('alice', SECRET) });
  const sse = n.body.connectionToken;
  const stream = await sseOpen(hub, sse, { headers: alice });
  open.push({ stop: async () => stream.close() });
  assert.equal((await send(hub, sse, handshake, { headers: bob })).status, 403);
  assert.equal((await send(hub, sse, handshake, { headers: alice })).status, 200);
  await stream.waitFor((text) => text.includes(`data: {}${RS}`));
});
