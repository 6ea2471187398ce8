'use strict';
// Connecting without stickiness on three replicas over one Redis: the official client on every
// transport and both protocols through nginx (negotiate answered by one replica, the transport
// opened on another), negotiate and connect pinned to two different replicas, Server-Sent
// Events and Long Polling requests (sends, polls, DELETE) landing on replicas that do not hold
// the connection, and stateful reconnect whose new WebSocket lands on another replica.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const WebSocket = require('ws');
const {
  signalR,
  connect,
  waitFor,
  stopAll,
  negotiate,
  withTimeout,
  RS,
} = require('./lib/clients');
const { poll, send, del, records, sseOpen } = require('./lib/transports');
const { startCluster } = require('./lib/cluster');
const { connectAcross, numberCollector } = require('./lib/cluster_clients');
const { test } = require('./lib/gateway');

const T = signalR.HttpTransportType;

let cluster;
const open = [];

before(async () => {
  cluster = await startCluster({
    name: 'connect',
    hubs: [
      { name: 'posts', path: '/hubs/posts' },
      { name: 'resume', path: '/hubs/resume', stateful_reconnect: true, disconnect_timeout: '10s' },
    ],
  });
});

after(async () => {
  await stopAll(open);
  if (cluster) await cluster.stop();
});

/** Per replica, how much each counter moved while `fn` ran; resolves {result, moved}. */
async function counting(read, fn) {
  const before = await read();
  const result = await fn();
  const after = await read();
  return { result, moved: after.map((v, i) => v - before[i]) };
}

/** The one replica whose counter moved by one (and no other moved). */
function onlyOne(moved, what) {
  assert.equal(moved.reduce((a, b) => a + b, 0), 1, `${what}: ${JSON.stringify(moved)}`);
  return moved.indexOf(1);
}

const hubOn = (i, hubPath = '/hubs/posts') => cluster.replicas[i].hubUrl(hubPath);

const COMBINATIONS = [
  ['WebSockets', 'json'],
  ['WebSockets', 'messagepack'],
  ['ServerSentEvents', 'json'], // SSE is text only: no MessagePack
  ['LongPolling', 'json'],
  ['LongPolling', 'messagepack'],
];

for (const [transport, protocol] of COMBINATIONS) {
  const title = `${transport} + ${protocol} through nginx: negotiate, transport on two replicas`;
  test(title, async () => {
    let negotiatedOn;
    const { result: conn, moved } = await counting(
      () => cluster.connectsPerReplica('posts'),
      async () => {
        const n = await counting(
          () => cluster.negotiationsPerReplica('posts'),
          () => connect(cluster.hubUrl('/hubs/posts'), { transport: T[transport], protocol }),
        );
        negotiatedOn = onlyOne(n.moved, 'negotiations');
        return n.result;
      },
    );
    open.push(conn);
    const heldBy = onlyOne(moved, 'connections');
    assert.notEqual(heldBy, negotiatedOn, 'round robin put negotiate and transport apart');

    // Pushes to it through nginx and from each replica arrive, in order.
    const got = numberCollector(conn, 'Seq');
    const clients = [cluster.push, ...cluster.replicas.map((r) => r.grpcClient)];
    for (let n = 1; n <= 8; n += 1) {
      await clients[n % clients.length].send({
        hub: 'posts', method: 'Seq', connectionId: conn.connectionId, argumentsJson: `[${n}]`,
      });
    }
    await got.until(8);
    assert.deepEqual(got.received, [1, 2, 3, 4, 5, 6, 7, 8]);

    // A clean stop through nginx (LP: the DELETE may land on another replica).
    await conn.stop();
    assert.equal(conn.closedWith.error, undefined);
  });
}

for (const transport of ['WebSockets', 'ServerSentEvents', 'LongPolling']) {
  const title = `${transport}: negotiate on replica 0, connect on 2, pushed from 1`;
  test(title, async () => {
    const n = await counting(
      () => cluster.negotiationsPerReplica('posts'),
      () =>
        counting(
          () => cluster.connectsPerReplica('posts'),
          () => connectAcross(cluster, '/hubs/posts', {
            negotiateOn: 0, connectOn: 2, transport: T[transport],
          }),
        ),
    );
    const { result: conn, moved } = n.result;
    open.push(conn);
    assert.deepEqual(n.moved, [1, 0, 0], 'negotiated on replica 0');
    assert.deepEqual(moved, [0, 0, 1], 'held by replica 2');
    const got = waitFor(conn, 'Hello');
    await cluster.replicas[1].grpcClient.send({
      hub: 'posts', method: 'Hello', connectionId: conn.connectionId, argumentsJson: '["from 1"]',
    });
    assert.deepEqual(await got, ['from 1']);
    await conn.stop();
  });
}

test('a connection token unknown everywhere is refused on every replica', async () => {
  for (let i = 0; i < 3; i += 1) {
    assert.equal((await poll(hubOn(i), 'not-a-token')).status, 404);
    assert.equal((await send(hubOn(i), 'not-a-token', 'x')).status, 404);
    assert.equal(await del(hubOn(i), 'not-a-token'), 404);
  }
});

test('Long Polling: polls, sends and DELETE on replicas not holding it', async () => {
  const n = await negotiate(hubOn(0));
  assert.equal(n.status, 200);
  const token = n.body.connectionToken;
  const id = n.body.connectionId;
  // The first poll claims the connection for replica 1.
  const first = await poll(hubOn(1), token);
  assert.equal(first.status, 200);
  assert.equal(first.body.length, 0);
  // The handshake is sent to replica 2, its answer polled from replica 0.
  assert.equal((await send(hubOn(2), token, `{"protocol":"json","version":1}${RS}`)).status, 200);
  const answer = await poll(hubOn(0), token);
  assert.equal(answer.status, 200);
  assert.equal(answer.body.toString(), `{}${RS}`);

  for (const k of [1, 2, 3]) {
    await cluster.replicas[k % 3].grpcClient.send({
      hub: 'posts', method: 'Seq', connectionId: id, argumentsJson: `[${k}]`,
    });
  }
  const next = await poll(hubOn(2), token);
  assert.equal(next.status, 200);
  assert.deepEqual(
    records(next.body.toString()).map((m) => [m.target, m.arguments[0]]),
    [['Seq', 1], ['Seq', 2], ['Seq', 3]],
  );
  // A held poll on replica 0 is answered with a push made to replica 2.
  const held = poll(hubOn(0), token, { timeoutMs: 10000 });
  await cluster.replicas[2].grpcClient.send({
    hub: 'posts', method: 'Late', connectionId: id, argumentsJson: '["x"]',
  });
  const late = await held;
  assert.equal(late.status, 200);
  assert.deepEqual(records(late.body.toString()).map((m) => m.target), ['Late']);

  // DELETE on replica 2 ends the connection held by replica 1; then it is unknown everywhere.
  // The poll it ends goes to the holder itself: a poll forwarded from another replica could
  // reach the holder after the (also forwarded) DELETE and rightly get 404.
  const lastPoll = poll(hubOn(1), token, { timeoutMs: 10000 });
  assert.equal(await del(hubOn(2), token), 202);
  assert.equal((await lastPoll).status, 204);
  for (let i = 0; i < 3; i += 1) assert.equal((await poll(hubOn(i), token)).status, 404);
});

test('Server-Sent Events: the stream on one replica, sends to others', async () => {
  const n = await negotiate(hubOn(2));
  const token = n.body.connectionToken;
  const id = n.body.connectionId;
  const sse = await sseOpen(hubOn(0), token);
  open.push({ stop: async () => sse.close() });
  assert.equal(sse.status, 200);
  assert.equal(sse.headers.get('content-type'), 'text/event-stream');
  await sse.waitFor((text) => text.startsWith(':\r\n'), 'the first ":" line');

  const second = await sseOpen(hubOn(1), token);
  assert.equal(second.status, 409, 'a second stream on another replica');
  second.close();
  assert.equal((await poll(hubOn(1), token)).status, 400, 'an LP poll on an SSE connection');
  assert.equal(await del(hubOn(2), token), 400, 'DELETE on an SSE connection');

  assert.equal((await send(hubOn(1), token, `{"protocol":"json","version":1}${RS}`)).status, 200);
  await sse.waitFor((text) => text.includes(`data: {}${RS}\r\n\r\n`), 'the handshake answer');
  await cluster.push.send({
    hub: 'posts', method: 'Evt', connectionId: id, argumentsJson: '["e"]',
  });
  await sse.waitFor(
    (text) => text.includes(`data: {"type":1,"target":"Evt","arguments":["e"]}${RS}\r\n\r\n`),
    'the pushed event',
  );
  // The client's Close message, sent to replica 2, ends the stream held by replica 0.
  assert.equal((await send(hubOn(2), token, `{"type":7}${RS}`)).status, 200);
  await withTimeout(sse.ended, 5000, 'the end of the SSE stream');
});

/**
 * A `ws` WebSocket whose n-th instance connects to replica targets[n] (the last one after):
 * the official client's reconnect then lands on another replica than its first socket.
 */
function webSocketRotating(targets) {
  const urls = [];
  class Rotating extends WebSocket {
    constructor(url, protocols, options) {
      const target = cluster.replicas[targets[Math.min(urls.length, targets.length - 1)]];
      const rewritten = url.replace(/^ws:\/\/[^/]+/, target.wsUrl);
      urls.push(rewritten);
      super(rewritten, protocols, options);
    }
  }
  Rotating.urls = urls;
  return Rotating;
}

test('stateful reconnect onto another replica: each push once, in order', async () => {
  const Rotating = webSocketRotating([0, 1]);
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(hubOn(0, '/hubs/resume'), { transport: T.WebSockets, WebSocket: Rotating })
    .withStatefulReconnect()
    .configureLogging(signalR.LogLevel.None)
    .build();
  const closed = [];
  connection.onclose((error) => closed.push(error));
  const seq = numberCollector(connection, 'Seq');
  await withTimeout(connection.start(), 10000, 'start');
  open.push(connection);
  const id = connection.connectionId;
  const added = await cluster.replicas[2].grpcClient.addToGroup({
    hub: 'resume', connectionId: id, group: 'g',
  });
  assert.equal(added.connectionFound, true);

  const TOTAL = 300;
  const CUT_AT = 60;
  const clients = [cluster.push, ...cluster.replicas.map((r) => r.grpcClient)];
  const sending = (async () => {
    for (let n = 1; n <= TOTAL; n += 1) {
      // One caller, alternating entry points: the order of acceptance is the order of delivery.
      await clients[n % clients.length].send({
        hub: 'resume', method: 'Seq', group: { group: 'g' }, argumentsJson: `[${n}]`,
      });
    }
  })();
  await seq.until(CUT_AT);
  // Cut the TCP connection uncleanly: no close frame.
  connection.connection.transport._webSocket._socket.destroy();
  await sending;
  await seq.until(TOTAL);
  assert.deepEqual(seq.received, Array.from({ length: TOTAL }, (_, i) => i + 1));
  assert.deepEqual(closed, [], 'the client never saw the connection close');
  assert.equal(connection.connectionId, id);
  assert.equal(Rotating.urls.length, 2, 'one reconnect');
  assert.ok(Rotating.urls[1].startsWith(cluster.replicas[1].wsUrl), 'reconnected to replica 1');

  // Membership survived: a group push after the reconnect arrives once more.
  await cluster.push.send({
    hub: 'resume', method: 'Seq', group: { group: 'g' }, argumentsJson: `[${TOTAL + 1}]`,
  });
  await seq.until(TOTAL + 1);
  assert.equal(seq.received.length, TOTAL + 1);
  await connection.stop();
  assert.deepEqual(closed, [undefined], 'a clean stop after the resume');
});
