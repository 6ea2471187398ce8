'use strict';
// Bad input from clients (handshakes, frames, invocations, tokens) and from backends (gRPC
// requests). After every case a healthy official client must still receive a push.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const jwt = require('jsonwebtoken');
const net = require('node:net');
const WebSocket = require('ws');
const { NullLogger } = require('@microsoft/signalr');
const { MessagePackHubProtocol } = require('@microsoft/signalr-protocol-msgpack');
const { startGateway, test } = require('./lib/gateway');
const {
  RS,
  connect,
  buildConnection,
  waitFor,
  stopAll,
  RawClient,
  rawHubClient,
  upgradeStatus,
  negotiate,
  mintToken,
  withTimeout,
} = require('./lib/clients');

const SECRET = 'bad-input-secret-0123456789abcdefgh';
const CLOSED_WITH_ERROR = 'Connection closed with an error.';

let gw;
let healthy;
let healthySeq = 0;
const open = [];

before(async () => {
  gw = await startGateway({
    workers: 2,
    config: {
      // A short clock skew (the default is 5 minutes) so that expiry is observed quickly.
      auth: { hs256_secret: SECRET, clock_skew: '1s' },
      hubs: [
        { name: 'posts', path: '/hubs/posts' },
        { name: 'detailed', path: '/hubs/detailed', detailed_errors: true },
        { name: 'small', path: '/hubs/small', max_message_size: 1024 },
        { name: 'secure', path: '/hubs/secure', require_auth: true },
      ],
    },
  });
  healthy = await connect(gw.hubUrl('/hubs/posts'));
});

after(async () => {
  await stopAll([healthy, ...open]);
  if (gw) await gw.stop();
});

/** The healthy connection still receives a push. */
async function assertHealthy() {
  const value = `h${++healthySeq}`;
  const got = waitFor(healthy, 'Healthy', { predicate: (args) => args[0] === value });
  const r = await gw.grpcClient.send({
    hub: 'posts',
    method: 'Healthy',
    argumentsJson: JSON.stringify([value]),
    connectionId: healthy.connectionId,
  });
  assert.equal(r.queuedConnections, '1');
  await got;
  assert.equal(healthy.state, 'Connected');
}

/** A raw client on `hubPath` (negotiated, WebSocket open, no handshake yet). */
async function rawOpen(hubPath) {
  const n = await negotiate(gw.hubUrl(hubPath));
  const client = await RawClient.connect(`${gw.hubUrl(hubPath)}?id=${n.body.connectionToken}`);
  client.connectionId = n.body.connectionId;
  open.push(client);
  return client;
}

async function rawReady(hubPath) {
  const client = await rawHubClient(gw.hubUrl(hubPath));
  open.push(client);
  return client;
}

/** Sends a handshake record and expects the error answer followed by the socket closing. */
async function expectHandshakeError(record, error, hubPath = '/hubs/posts') {
  const client = await rawOpen(hubPath);
  client.sendText(record);
  const answer = await client.next({ what: 'handshake answer' });
  assert.deepEqual(answer, { error });
  const closed = await client.closed();
  assert.equal(closed.code, 1000);
  assert.deepEqual(client.received, [{ error }]);
  // The connection never became routable.
  const r = await gw.grpcClient.send({ hub: hubPath.split('/').pop(), method: 'X', connectionId: client.connectionId });
  assert.equal(r.queuedConnections, '0');
}

// ---------------------------------------------------------------------------------------------
// Handshake

test('handshake: malformed JSON -> "An unexpected error occurred during connection handshake."', async () => {
  await expectHandshakeError(
    `{"protocol":"json",${RS}`,
    'An unexpected error occurred during connection handshake.',
  );
  await assertHealthy();
});

test('handshake: missing version / wrong types -> the unexpected-error text', async () => {
  for (const record of [
    '{"protocol":"json"}',
    '{"version":1}',
    '{"protocol":"json","version":"1"}',
    '[1,2]',
  ]) {
    await expectHandshakeError(
      record + RS,
      'An unexpected error occurred during connection handshake.',
    );
  }
  await assertHealthy();
});

test('handshake: unknown protocol -> "The protocol \'foo\' is not supported."', async () => {
  await expectHandshakeError(
    `{"protocol":"foo","version":1}${RS}`,
    "The protocol 'foo' is not supported.",
  );
  await assertHealthy();
});

test('handshake: version 3 -> "The server does not support version 3 of the \'json\' protocol."', async () => {
  await expectHandshakeError(
    `{"protocol":"json","version":3}${RS}`,
    "The server does not support version 3 of the 'json' protocol.",
  );
  await assertHealthy();
});

test('MessagePack: a malformed message closes only that connection, with the Close error', async () => {
  const n = await negotiate(gw.hubUrl('/hubs/posts'));
  const ws = new WebSocket(`${gw.wsUrl}/hubs/posts?id=${n.body.connectionToken}`);
  ws.binaryType = 'arraybuffer';
  const frames = [];
  const closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (data, isBinary) => frames.push({ data, isBinary }));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send(`{"protocol":"messagepack","version":1}${RS}`);
  // A length-prefixed array whose element is the never-used byte 0xc1.
  ws.send(Buffer.from([0x03, 0x93, 0xc1, 0x00]), { binary: true });
  assert.equal(await withTimeout(closed, 5000, 'close after the malformed message'), 1000);
  assert.ok(frames.every((f) => f.isBinary), 'MessagePack connections get binary frames only');
  const bytes = Buffer.concat(frames.map((f) => Buffer.from(f.data)));
  assert.equal(bytes.subarray(0, 3).toString(), `{}${RS}`, 'the handshake answer');
  const messages = new MessagePackHubProtocol().parseMessages(
    bytes.subarray(3).buffer.slice(bytes.byteOffset + 3, bytes.byteOffset + bytes.length),
    NullLogger.instance,
  );
  assert.deepEqual(messages, [
    { type: 7, error: 'Connection closed with an error.', allowReconnect: false },
  ]);
  await assertHealthy();
});

test('handshake: version 2 (stateful-reconnect clients) and unknown properties are accepted', async () => {
  const v2 = await rawOpen('/hubs/posts');
  v2.sendText(`{"protocol":"json","version":2}${RS}`);
  assert.deepEqual(await v2.next(), {});
  const extra = await rawOpen('/hubs/posts');
  extra.sendText(`{"version":1,"minorVersion":0,"protocol":"json"}${RS}`);
  assert.deepEqual(await extra.next(), {});
  await assertHealthy();
});

test('handshake: larger than max_message_size -> "Handshake was canceled."', async () => {
  const padding = 'x'.repeat(2000);
  await expectHandshakeError(
    `{"protocol":"json","version":1,"pad":"${padding}"}${RS}`,
    'Handshake was canceled.',
    '/hubs/small',
  );
  await assertHealthy();
});

test('handshake and first message in one frame, and a handshake split across frames', async () => {
  const together = await rawOpen('/hubs/posts');
  together.sendText(
    `{"protocol":"json","version":1}${RS}{"type":1,"invocationId":"1","target":"Nope","arguments":[]}${RS}`,
  );
  assert.deepEqual(await together.next(), {});
  assert.deepEqual(await together.nextNonPing(), {
    type: 3,
    invocationId: '1',
    error: "Unknown hub method 'Nope'",
  });
  const split = await rawOpen('/hubs/posts');
  split.sendText('{"protocol":"js');
  split.sendText(`on","version":1}${RS}`);
  assert.deepEqual(await split.next(), {});
});

// ---------------------------------------------------------------------------------------------
// Messages after the handshake

test('oversized message (> 32 KiB default) -> Close "Connection closed with an error."', async () => {
  const client = await rawReady('/hubs/posts');
  client.send({ type: 1, target: 'Big', arguments: ['x'.repeat(40 * 1024)] });
  const close = await client.nextNonPing({ what: 'Close' });
  assert.equal(close.type, 7);
  assert.equal(close.error, CLOSED_WITH_ERROR);
  assert.equal((await client.closed()).code, 1000);
  await assertHealthy();
});

test('oversized message, official client: onclose reports the server error', async () => {
  const conn = await connect(gw.hubUrl('/hubs/posts'));
  open.push(conn);
  conn.send('Big', 'y'.repeat(40 * 1024)).catch(() => {});
  const error = await withTimeout(conn.closed, 5000, 'onclose');
  assert.ok(error instanceof Error);
  assert.equal(error.message, `Server returned an error on close: ${CLOSED_WITH_ERROR}`);
  await assertHealthy();
});

test('oversized message on a detailed_errors hub: the error names the limit', async () => {
  const client = await rawReady('/hubs/detailed');
  client.send({ type: 1, target: 'Big', arguments: ['x'.repeat(40 * 1024)] });
  const close = await client.nextNonPing({ what: 'Close' });
  assert.equal(close.type, 7);
  assert.ok(close.error.startsWith(`${CLOSED_WITH_ERROR} `), close.error);
  assert.ok(
    close.error.includes('The maximum message size of 32768B was exceeded'),
    close.error,
  );
  await assertHealthy();
});

test('max_message_size 1024: 900 bytes pass, 2000 bytes close the connection', async () => {
  const client = await rawReady('/hubs/small');
  client.send({ type: 1, invocationId: '1', target: 'Fits', arguments: ['z'.repeat(850)] });
  assert.deepEqual(await client.nextNonPing(), {
    type: 3,
    invocationId: '1',
    error: "Unknown hub method 'Fits'",
  });
  client.send({ type: 1, invocationId: '2', target: 'TooBig', arguments: ['z'.repeat(2000)] });
  const close = await client.nextNonPing({ what: 'Close' });
  assert.equal(close.type, 7);
  assert.equal(close.error, CLOSED_WITH_ERROR);
  await client.closed();
  // No Completion for the oversized invocation.
  assert.equal(client.received.some((m) => m.type === 3 && m.invocationId === '2'), false);
  await assertHealthy();
});

test('a message over the limit split across many small frames is refused too', async () => {
  const client = await rawReady('/hubs/small');
  const text = JSON.stringify({ type: 1, target: 'Trickle', arguments: ['q'.repeat(3000)] }) + RS;
  for (let i = 0; i < text.length; i += 200) client.sendText(text.slice(i, i + 200));
  const close = await client.nextNonPing({ what: 'Close' });
  assert.equal(close.type, 7);
  assert.equal(close.error, CLOSED_WITH_ERROR);
  await assertHealthy();
});

test('non-JSON frame -> Close with "Connection closed with an error."', async () => {
  const client = await rawReady('/hubs/posts');
  client.sendText(`this is not json${RS}`);
  const close = await client.nextNonPing({ what: 'Close' });
  assert.equal(close.type, 7);
  assert.equal(close.error, CLOSED_WITH_ERROR);
  assert.equal((await client.closed()).code, 1000);
  // The connection is gone for the Push API.
  const r = await gw.grpcClient.send({ hub: 'posts', method: 'X', connectionId: client.connectionId });
  assert.equal(r.queuedConnections, '0');
  await assertHealthy();
});

test('non-JSON frame on a detailed_errors hub: the error carries a detail', async () => {
  const client = await rawReady('/hubs/detailed');
  client.sendText(`{"type":1,"target":${RS}`);
  const close = await client.nextNonPing({ what: 'Close' });
  assert.equal(close.type, 7);
  assert.ok(close.error.startsWith(`${CLOSED_WITH_ERROR} `), close.error);
  assert.ok(close.error.length > CLOSED_WITH_ERROR.length + 1);
  await assertHealthy();
});

test('a message without a type, or a non-object, closes the connection', async () => {
  for (const record of ['{"target":"X","arguments":[]}', '42', '"text"']) {
    const client = await rawReady('/hubs/posts');
    client.sendText(record + RS);
    const close = await client.nextNonPing({ what: `Close for ${record}` });
    assert.equal(close.type, 7, record);
    assert.equal(close.error, CLOSED_WITH_ERROR, record);
  }
  await assertHealthy();
});

test('unknown message type {"type":99} is ignored and the connection keeps working', async () => {
  const client = await rawReady('/hubs/posts');
  client.send({ type: 99 });
  client.send({ type: 99, whatever: [1, 2, 3] });
  client.send({ type: 1, invocationId: '5', target: 'After99', arguments: [] });
  assert.deepEqual(await client.nextNonPing(), {
    type: 3,
    invocationId: '5',
    error: "Unknown hub method 'After99'",
  });
  await gw.grpcClient.send({ hub: 'posts', method: 'Pushed', connectionId: client.connectionId });
  assert.deepEqual(await client.nextNonPing(), { type: 1, target: 'Pushed', arguments: [] });
  assert.equal(client.isOpen(), true);
  await assertHealthy();
});

test('several messages in one frame, and one message split across frames, are all processed', async () => {
  const client = await rawReady('/hubs/posts');
  const a = JSON.stringify({ type: 1, invocationId: 'a', target: 'A', arguments: [] }) + RS;
  const b = JSON.stringify({ arguments: [1], target: 'B', invocationId: 'b', type: 1 }) + RS;
  const c = JSON.stringify({ type: 1, invocationId: 'c', target: 'C', arguments: ['split'] }) + RS;
  client.sendText(a + b + c.slice(0, 10));
  client.sendText(c.slice(10));
  for (const [id, target] of [['a', 'A'], ['b', 'B'], ['c', 'C']]) {
    assert.deepEqual(await client.nextNonPing(), {
      type: 3,
      invocationId: id,
      error: `Unknown hub method '${target}'`,
    });
  }
});

test('invoke of a hub method: the official client rejects with "Unknown hub method \'X\'"', async () => {
  const conn = await connect(gw.hubUrl('/hubs/posts'));
  open.push(conn);
  await assert.rejects(withTimeout(conn.invoke('DoesNotExist', 1, 'two'), 5000, 'invoke'), (err) => {
    assert.equal(err.message, "Unknown hub method 'DoesNotExist'");
    return true;
  });
  // The connection stays usable.
  assert.equal(conn.state, 'Connected');
  const got = waitFor(conn, 'StillOk');
  await gw.grpcClient.send({ hub: 'posts', method: 'StillOk', connectionId: conn.connectionId });
  await got;
  await assertHealthy();
});

test('stream() of a hub method: the subscriber gets the unknown-method error', async () => {
  const conn = await connect(gw.hubUrl('/hubs/posts'));
  open.push(conn);
  const error = await withTimeout(
    new Promise((resolve) => {
      conn.stream('Counter', 3).subscribe({
        next: () => resolve(new Error('unexpected item')),
        complete: () => resolve(new Error('unexpected completion without error')),
        error: (err) => resolve(err),
      });
    }),
    5000,
    'stream error',
  );
  assert.equal(error.message, "Unknown hub method 'Counter'");
  assert.equal(conn.state, 'Connected');
});

test('send() of a hub method gets nothing back and the connection stays', async () => {
  const client = await rawReady('/hubs/posts');
  client.send({ type: 1, target: 'FireAndForget', arguments: [1] });
  client.send({ type: 1, invocationId: '9', target: 'Probe', arguments: [] });
  // The first answer is the one for the probe: nothing was sent for the send().
  assert.deepEqual(await client.nextNonPing(), {
    type: 3,
    invocationId: '9',
    error: "Unknown hub method 'Probe'",
  });
  assert.equal(client.received.filter((m) => m.type !== 6).length, 2); // handshake + completion

  const conn = await connect(gw.hubUrl('/hubs/posts'));
  open.push(conn);
  await withTimeout(conn.send('FireAndForget', { a: 1 }), 5000, 'send');
  const got = waitFor(conn, 'AfterSend');
  await gw.grpcClient.send({ hub: 'posts', method: 'AfterSend', connectionId: conn.connectionId });
  await got;
  assert.equal(conn.state, 'Connected');
  await assertHealthy();
});

test('client Completion, StreamItem and CancelInvocation for unknown ids are ignored', async () => {
  const client = await rawReady('/hubs/posts');
  client.send({ type: 3, invocationId: 's1', result: 1 });
  client.send({ type: 2, invocationId: 'x', item: 1 });
  client.send({ type: 5, invocationId: 'y' });
  client.send({ type: 1, invocationId: '1', target: 'Probe', arguments: [] });
  assert.deepEqual(await client.nextNonPing(), {
    type: 3,
    invocationId: '1',
    error: "Unknown hub method 'Probe'",
  });
});

test('client Close message: the server closes the socket normally and sends nothing back', async () => {
  const client = await rawReady('/hubs/posts');
  client.send({ type: 7 });
  const closed = await client.closed();
  assert.equal(closed.code, 1000);
  assert.deepEqual(client.received.filter((m) => m.type !== 6), [{}]);
  await assertHealthy();
});

// ---------------------------------------------------------------------------------------------
// Authentication (hub "secure" requires a token)

const secureUrl = () => gw.hubUrl('/hubs/secure');

async function expectStartRejected(token, label) {
  const conn = buildConnection(secureUrl(), token === undefined ? {} : { accessToken: token });
  await assert.rejects(withTimeout(conn.start(), 10000, `start ${label}`), (err) => {
    assert.match(err.message, /401/, `${label}: ${err.message}`);
    return true;
  });
  assert.equal(conn.state, 'Disconnected');
}

test('require_auth: no token -> negotiate 401 and start() rejects mentioning 401', async () => {
  const n = await negotiate(secureUrl());
  assert.equal(n.status, 401);
  await expectStartRejected(undefined, 'no token');
  await assertHealthy();
});

test('require_auth: expired, wrong-secret, malformed, not-yet-valid and alg:none tokens are refused', async () => {
  const now = Math.floor(Date.now() / 1000);
  const bad = {
    expired: mintToken('u', SECRET, { claims: { exp: now - 60 } }),
    wrongSecret: mintToken('u', 'some-other-secret-0123456789abcdef'),
    malformed: 'not.a.jwt',
    garbage: 'abc',
    notYetValid: mintToken('u', SECRET, { notBefore: '1h' }),
    algNone: jwt.sign({ sub: 'u' }, null, { algorithm: 'none' }),
    tampered: (() => {
      const [h, , s] = mintToken('u', SECRET).split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
      return `${h}.${payload}.${s}`;
    })(),
  };
  for (const [label, token] of Object.entries(bad)) {
    const n = await negotiate(secureUrl(), { token });
    assert.equal(n.status, 401, `negotiate with ${label} token`);
    await expectStartRejected(token, label);
  }
  await assertHealthy();
});

test('require_auth: a WebSocket without negotiate and without a valid token gets HTTP 401', async () => {
  assert.equal(await upgradeStatus(secureUrl()), 401);
  assert.equal(
    await upgradeStatus(`${secureUrl()}?access_token=${mintToken('u', 'wrong-secret-xxxxxxxxxxxxxxxxxx')}`),
    401,
  );
  assert.equal(
    await upgradeStatus(secureUrl(), {
      headers: { Authorization: `Bearer ${mintToken('u', SECRET, { claims: { exp: 1 } })}` },
    }),
    401,
  );
  // With negotiate skipped by the official client as well.
  const conn = buildConnection(secureUrl(), { skipNegotiation: true });
  await assert.rejects(withTimeout(conn.start(), 10000, 'start'));
  assert.equal(conn.state, 'Disconnected');
  await assertHealthy();
});

test('require_auth: a negotiated token still needs the bearer token on the WebSocket', async () => {
  const token = mintToken('auth-user', SECRET);
  const n = await negotiate(secureUrl(), { token });
  assert.equal(n.status, 200);
  assert.equal(await upgradeStatus(`${secureUrl()}?id=${n.body.connectionToken}`), 401);
});

test('require_auth: valid tokens work via header and via access_token query; user id from sub', async () => {
  const token = mintToken('auth-user', SECRET);
  const conn = await connect(secureUrl(), { accessToken: token });
  open.push(conn);
  const skip = await connect(secureUrl(), { accessToken: token, skipNegotiation: true });
  open.push(skip);
  // Browser style: the token in the query string.
  const browser = await RawClient.connect(
    `${secureUrl()}?access_token=${encodeURIComponent(token)}`,
  );
  open.push(browser);
  assert.deepEqual(await browser.handshake(), {});

  const a = waitFor(conn, 'ForUser');
  const b = waitFor(skip, 'ForUser');
  const r = await gw.grpcClient.send({
    hub: 'secure',
    method: 'ForUser',
    argumentsJson: '["hi"]',
    userId: 'auth-user',
  });
  assert.equal(r.queuedConnections, '3');
  assert.deepEqual(await a, ['hi']);
  assert.deepEqual(await b, ['hi']);
  assert.deepEqual(await browser.nextNonPing(), { type: 1, target: 'ForUser', arguments: ['hi'] });
});

test('require_auth: a token that expires after connecting does not end the connection', async () => {
  const exp = Math.floor(Date.now() / 1000) + 2;
  const token = mintToken('short-lived', SECRET, { claims: { exp } });
  const conn = await connect(secureUrl(), { accessToken: token });
  open.push(conn);
  // Waiting until the token has expired is the subject of this test.
  await new Promise((resolve) => setTimeout(resolve, exp * 1000 + 1300 - Date.now())); // + skew
  const got = waitFor(conn, 'AfterExpiry');
  const r = await gw.grpcClient.send({ hub: 'secure', method: 'AfterExpiry', userId: 'short-lived' });
  assert.equal(r.queuedConnections, '1');
  await got;
  assert.equal(conn.state, 'Connected');
  // A new connection with the same token is refused now.
  assert.equal((await negotiate(secureUrl(), { token })).status, 401);
});

test('an invalid token on an anonymous hub leaves the caller anonymous', async () => {
  const conn = await connect(gw.hubUrl('/hubs/posts'), {
    accessToken: mintToken('pretender', 'wrong-secret-yyyyyyyyyyyyyyyyyyyy'),
  });
  open.push(conn);
  const r = await gw.grpcClient.send({ hub: 'posts', method: 'X', userId: 'pretender' });
  assert.equal(r.queuedConnections, '0');
  const got = waitFor(conn, 'Anon');
  await gw.grpcClient.send({ hub: 'posts', method: 'Anon', connectionId: conn.connectionId });
  await got;
});

// ---------------------------------------------------------------------------------------------
// gRPC requests

async function expectGrpcError(call, code, pattern, label) {
  await assert.rejects(call, (err) => {
    assert.equal(err.code, code, `${label}: code ${err.code} (${err.details})`);
    assert.match(err.details, pattern, label);
    return true;
  });
}

test('gRPC Send: invalid requests fail with INVALID_ARGUMENT naming the field', async () => {
  const send = (req) => gw.grpcClient.send(req);
  const cases = [
    [{ method: 'M', all: {} }, /^hub\b/, 'missing hub'],
    [{ hub: 'posts', all: {} }, /^method\b/, 'missing method'],
    [{ hub: 'posts', method: 'M' }, /audience/, 'missing audience'],
    [{ hub: 'posts', method: 'M', group: { group: '' } }, /group\.group/, 'empty group name'],
    [{ hub: 'posts', method: 'M', connectionId: '' }, /connection_id/, 'empty connection id'],
    [{ hub: 'posts', method: 'M', userId: '' }, /user_id/, 'empty user id'],
    [{ hub: 'posts', method: 'M', groups: { groups: [] } }, /groups\.groups/, 'empty groups list'],
    [{ hub: 'posts', method: 'M', groups: { groups: ['a', ''] } }, /groups\.groups\[1\]/, 'empty group in list'],
    [{ hub: 'posts', method: 'M', users: { userIds: [] } }, /users\.user_ids/, 'empty users list'],
    [{ hub: 'posts', method: 'M', connections: { connectionIds: [] } }, /connections\.connection_ids/, 'empty connections list'],
    [{ hub: 'posts', method: 'M', all: { exceptConnectionIds: [''] } }, /all\.except_connection_ids\[0\]/, 'empty except id'],
    [{ hub: 'posts', method: 'M', all: {}, argumentsJson: '[1,' }, /^arguments_json: invalid JSON/, 'bad arguments_json'],
    [{ hub: 'posts', method: 'M', all: {}, argumentsJson: '{"a":1}' }, /^arguments_json: expected a JSON array/, 'arguments_json not an array'],
    [{ hub: 'posts', method: 'M', all: {}, argumentsJson: 'nope' }, /^arguments_json/, 'arguments_json not JSON'],
  ];
  for (const [request, pattern, label] of cases) {
    await expectGrpcError(send(request), 3, pattern, label);
  }
  await assertHealthy();
});

// Hand-encoded SendRequest bytes: protobufjs refuses to encode very deep messages itself.
function pbField(number, bytes) {
  const varint = (n) => {
    const out = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n >>>= 7;
    }
    out.push(n);
    return Buffer.from(out);
  };
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

/** SendRequest{hub, method, arguments: [Value nested `depth` levels], all: {}} as bytes. */
function deepSendRequest(hub, method, depth) {
  let value = pbField(6, Buffer.from('leaf')); // Value.string_value
  for (let i = 1; i < depth; i += 1) value = pbField(9, pbField(1, value)); // list_value.values
  return Buffer.concat([
    pbField(1, Buffer.from(hub)),
    pbField(2, Buffer.from(method)),
    pbField(3, pbField(1, value)), // arguments.values
    pbField(10, Buffer.alloc(0)), // all {}
  ]);
}

function sendRawBytes(bytes) {
  return new Promise((resolve, reject) => {
    gw.grpcClient.raw.makeUnaryRequest(
      '/hubgate.v1.Push/Send',
      (b) => b,
      (b) => b,
      bytes,
      { deadline: Date.now() + 5000 },
      (err, response) => (err ? reject(err) : resolve(response)),
    );
  });
}

test('gRPC Send: invalid argument values fail with INVALID_ARGUMENT naming arguments', async () => {
  const send = (extra) => gw.grpcClient.send({ hub: 'posts', method: 'M', all: {}, ...extra });
  const deepJson = `[${'['.repeat(70)}1${']'.repeat(70)}]`;
  await expectGrpcError(send({ argumentsJson: deepJson }), 3, /^arguments_json: .*deep/, 'deep arguments_json');
  await expectGrpcError(
    send({ arguments: { values: [{ timestampValue: { seconds: '0', nanos: -1 } }] } }),
    3,
    /^arguments: timestamp nanos/,
    'negative nanos',
  );
  await expectGrpcError(
    send({ arguments: { values: [{ timestampValue: { seconds: '253402300800', nanos: 0 } }] } }),
    3,
    /^arguments: timestamp seconds/,
    'year 10000',
  );
  // Moderate nesting is accepted, typed or as JSON.
  let ok = { stringValue: 'leaf' };
  for (let i = 0; i < 10; i += 1) ok = { listValue: { values: [ok] } };
  const r = await gw.grpcClient.send({
    hub: 'posts',
    method: 'Nested',
    connectionId: healthy.connectionId,
    arguments: { values: [ok] },
  });
  assert.equal(r.queuedConnections, '1');
  const j = await send({ argumentsJson: `[${'['.repeat(30)}1${']'.repeat(30)}]` });
  assert.equal(typeof j.queuedConnections, 'string');
  await assertHealthy();
});

test('gRPC Send: typed Values nested too deep are refused and harm nothing', async () => {
  // 32 levels: the documented limit (ProtoConversion::kMaxValueDepth).
  await sendRawBytes(deepSendRequest('posts', 'M', 32));
  // 33 levels: INVALID_ARGUMENT naming the field.
  await assert.rejects(sendRawBytes(deepSendRequest('posts', 'M', 33)), (err) => {
    assert.equal(err.code, 3, `code ${err.code} (${JSON.stringify(err.details)})`);
    assert.match(err.details, /^arguments: value nested deeper than 32 levels/);
    return true;
  });
  // 80 levels: protobuf's own recursion limit (100 messages) rejects the request before our
  // code sees it; gRPC answers with an error status of its own. The gateway stays healthy.
  await assert.rejects(sendRawBytes(deepSendRequest('posts', 'M', 80)), (err) => {
    assert.notEqual(err.code, 0);
    return true;
  });
  await assertHealthy();
});

test('gRPC Send: invalid requests deliver nothing', async () => {
  // A valid-looking payload with a broken audience must not reach the healthy client: the
  // healthy check afterwards sees only its own message first.
  await expectGrpcError(
    gw.grpcClient.send({ hub: 'posts', method: 'Healthy', argumentsJson: '["leak"]', group: { group: '' } }),
    3,
    /group/,
    'empty group',
  );
  const seen = [];
  const record = (v) => seen.push(v);
  healthy.on('Healthy', record);
  try {
    await assertHealthy();
  } finally {
    healthy.off('Healthy', record);
  }
  assert.equal(seen.includes('leak'), false, JSON.stringify(seen));
});

test('gRPC: unknown hub -> NOT_FOUND naming the hub', async () => {
  await expectGrpcError(
    gw.grpcClient.send({ hub: 'nope', method: 'M', all: {} }),
    5,
    /'nope'/,
    'send',
  );
  await expectGrpcError(
    gw.grpcClient.addToGroup({ hub: 'nope', connectionId: healthy.connectionId, group: 'g' }),
    5,
    /'nope'/,
    'addToGroup',
  );
  // Hub names are exact: the path is not the name.
  await expectGrpcError(
    gw.grpcClient.send({ hub: '/hubs/posts', method: 'M', all: {} }),
    5,
    /hubs\/posts/,
    'path as hub',
  );
});

test('gRPC AddToGroup/RemoveFromGroup: missing fields -> INVALID_ARGUMENT naming the field', async () => {
  const id = healthy.connectionId;
  for (const call of ['addToGroup', 'removeFromGroup']) {
    const f = (req) => gw.grpcClient[call](req);
    await expectGrpcError(f({ connectionId: id, group: 'g' }), 3, /^hub\b/, `${call} hub`);
    await expectGrpcError(f({ hub: 'posts', group: 'g' }), 3, /^connection_id\b/, `${call} id`);
    await expectGrpcError(f({ hub: 'posts', connectionId: id }), 3, /^group\b/, `${call} group`);
  }
  await assertHealthy();
});

/** Sends `request` on a raw TCP connection and resolves with everything the server answered. */
function rawHttp(request) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gw.httpPort, '127.0.0.1');
    const chunks = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.end(request);
  });
}

test('oversized request headers -> 431, oversized bodies -> 413; others unaffected', async () => {
  const big = 'x'.repeat(20 * 1024);
  let answer = await rawHttp(`GET /hubs/posts?id=a HTTP/1.1\r\nHost: a\r\nX-Big: ${big}\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  answer = await rawHttp(
    'POST /hubs/posts/negotiate HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n' + 'a'.repeat(100000),
  );
  assert.match(answer, /^HTTP\/1\.1 413 Payload Too Large\r\n/);
  await assertHealthy();
});
