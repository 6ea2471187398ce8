'use strict';
// Client results: Push.InvokeClient invokes a client method on one connection and returns what
// the client's handler returned (.NET 7+ `Clients.Client(id).InvokeAsync<T>`).

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, stopAll, deferred, rawHubClient, waitFor, withTimeout } = require('./lib/clients');
const { fromValue, toValue, Status } = require('./lib/hub_handler');

const HUB = 'results';

let gw;
let conn;

before(async () => {
  gw = await startGateway({ workers: 2, config: { hubs: [{ name: HUB, path: '/hubs/results' }] } });
  conn = await connect(gw.hubUrl('/hubs/results'));
  conn.on('Add', (a, b) => a + b);
  conn.on('Describe', (o) => ({ got: o, keys: Object.keys(o).sort(), ok: true }));
  conn.on('Later', async (v) => {
    await Promise.resolve();
    return `later:${v}`;
  });
  conn.on('Throws', () => {
    throw new Error('from callback');
  });
  conn.on('ReturnsNothing', () => undefined);
});

after(async () => {
  await stopAll([conn]);
  if (gw) await gw.stop();
});

function invokeClient(connectionId, method, args, extra = {}) {
  return gw.grpcClient.invokeClient(
    { hub: HUB, connectionId, method, argumentsJson: JSON.stringify(args), ...extra },
    { timeoutMs: 15000 },
  );
}

async function grpcErrorOf(promise) {
  try {
    const r = await promise;
    assert.fail(`expected a gRPC error, got ${JSON.stringify(r)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    return err;
  }
  return undefined;
}

test('the handler\'s return value is the result', async () => {
  const r = await invokeClient(conn.connectionId, 'Add', [2, 3]);
  assert.equal(r.outcome, 'result');
  assert.equal(fromValue(r.result), 5);
});

test('structured arguments and results; method names are case-insensitive on the client', async () => {
  const r = await invokeClient(conn.connectionId, 'describe', [{ b: [1, 'x'], a: null }]);
  assert.equal(r.outcome, 'result');
  assert.deepEqual(fromValue(r.result), { got: { b: [1, 'x'], a: null }, keys: ['a', 'b'], ok: true });
});

test('arguments given as Values instead of JSON', async () => {
  const r = await gw.grpcClient.invokeClient({
    hub: HUB,
    connectionId: conn.connectionId,
    method: 'Add',
    arguments: { values: [toValue(40), toValue(2)] },
  });
  assert.equal(fromValue(r.result), 42);
});

test('an async handler: the awaited value is the result', async () => {
  const r = await invokeClient(conn.connectionId, 'Later', ['v']);
  assert.equal(fromValue(r.result), 'later:v');
});

test('a handler that throws: the client\'s error text in the response', async () => {
  const r = await invokeClient(conn.connectionId, 'Throws', []);
  assert.equal(r.outcome, 'error');
  assert.equal(r.error, 'Error: from callback');
});

test('no handler, or a handler returning undefined: "Client didn\'t provide a result."', async () => {
  const none = await invokeClient(conn.connectionId, 'NobodyListens', [1]);
  assert.equal(none.outcome, 'error');
  assert.equal(none.error, "Client didn't provide a result.");
  const undef = await invokeClient(conn.connectionId, 'ReturnsNothing', []);
  assert.equal(undef.outcome, 'error');
  assert.equal(undef.error, "Client didn't provide a result.");
});

test('unknown connection: NOT_FOUND "Connection \'<id>\' does not exist."', async () => {
  const err = await grpcErrorOf(invokeClient('no-such-connection', 'Add', [1, 2]));
  assert.equal(err.code, Status.NOT_FOUND);
  assert.equal(err.details, "Connection 'no-such-connection' does not exist.");
});

test('several calls to one connection are answered independently (out of order)', async () => {
  const slow = await connect(gw.hubUrl('/hubs/results'));
  try {
    const gates = { a: deferred(), b: deferred() };
    slow.on('Wait', (key) => gates[key].promise.then(() => `done:${key}`));
    const a = invokeClient(slow.connectionId, 'Wait', ['a']);
    const b = invokeClient(slow.connectionId, 'Wait', ['b']);
    let aDone = false;
    a.then(() => {
      aDone = true;
    });
    gates.b.resolve();
    assert.equal(fromValue((await b).result), 'done:b');
    assert.equal(aDone, false, 'a must still wait');
    gates.a.resolve();
    assert.equal(fromValue((await a).result), 'done:a');
  } finally {
    await slow.stop();
  }
});

test('the connection closes while the server waits: UNAVAILABLE "Connection \'<id>\' disconnected."', async () => {
  const leaving = await connect(gw.hubUrl('/hubs/results'));
  const called = deferred();
  leaving.on('Hang', () => {
    called.resolve();
    return new Promise(() => {}); // never answers
  });
  const id = leaving.connectionId;
  const pending = grpcErrorOf(invokeClient(id, 'Hang', []));
  await withTimeout(called.promise, 5000, 'Hang called on the client');
  const started = Date.now();
  await leaving.stop();
  const err = await pending;
  assert.equal(err.code, Status.UNAVAILABLE);
  assert.equal(err.details, `Connection '${id}' disconnected.`);
  assert.ok(Date.now() - started < 5000, 'answered as soon as the connection closed');
});

test('an unclean disconnect while waiting: UNAVAILABLE as well', async () => {
  const raw = await rawHubClient(gw.hubUrl('/hubs/results'));
  const pending = grpcErrorOf(invokeClient(raw.connectionId, 'Anything', []));
  const invocation = await raw.nextNonPing({ what: 'the server invocation' });
  assert.equal(invocation.target, 'Anything');
  raw.close(); // terminate: no close frame
  const err = await pending;
  assert.equal(err.code, Status.UNAVAILABLE);
  assert.equal(err.details, `Connection '${raw.connectionId}' disconnected.`);
});

test('no answer within timeoutMs: DEADLINE_EXCEEDED; the connection stays usable', async () => {
  const called = deferred();
  conn.on('Ignore', () => {
    called.resolve();
    return new Promise(() => {});
  });
  const started = Date.now();
  const err = await grpcErrorOf(invokeClient(conn.connectionId, 'Ignore', [], { timeoutMs: 300 }));
  const elapsed = Date.now() - started;
  assert.equal(err.code, Status.DEADLINE_EXCEEDED);
  assert.ok(elapsed >= 250, `timed out after ${elapsed} ms, before timeoutMs`);
  assert.ok(elapsed < 5000, `timed out only after ${elapsed} ms`);
  await called.promise;
  const r = await invokeClient(conn.connectionId, 'Add', [1, 1]);
  assert.equal(fromValue(r.result), 2);
  assert.equal(conn.state, 'Connected');
});

test('on the wire: server invocation ids are "s<n>" and unique; a Completion answers them', async () => {
  const raw = await rawHubClient(gw.hubUrl('/hubs/results'));
  try {
    const first = invokeClient(raw.connectionId, 'Ask', ['q1']);
    const second = invokeClient(raw.connectionId, 'Ask', ['q2']);
    const m1 = await raw.nextNonPing({ what: 'first server invocation' });
    const m2 = await raw.nextNonPing({ what: 'second server invocation' });
    for (const m of [m1, m2]) {
      assert.equal(m.type, 1);
      assert.equal(m.target, 'Ask');
      assert.match(m.invocationId, /^s\d+$/);
    }
    assert.notEqual(m1.invocationId, m2.invocationId);
    const byQuestion = Object.fromEntries([m1, m2].map((m) => [m.arguments[0], m.invocationId]));
    // Answer the second one first, one with a result and one with an error.
    raw.send({ type: 3, invocationId: byQuestion.q2, result: { answer: 2 } });
    raw.send({ type: 3, invocationId: byQuestion.q1, error: 'raw client says no' });
    const r2 = await second;
    assert.deepEqual(fromValue(r2.result), { answer: 2 });
    const r1 = await first;
    assert.equal(r1.outcome, 'error');
    assert.equal(r1.error, 'raw client says no');
  } finally {
    raw.close();
  }
});

test('a late answer after the timeout is ignored and the connection stays open', async () => {
  const raw = await rawHubClient(gw.hubUrl('/hubs/results'));
  try {
    const err = await grpcErrorOf(invokeClient(raw.connectionId, 'Slowly', [], { timeoutMs: 200 }));
    assert.equal(err.code, Status.DEADLINE_EXCEEDED);
    const late = await raw.nextNonPing({ what: 'the timed-out invocation' });
    raw.send({ type: 3, invocationId: late.invocationId, result: 'too late' });
    // Still usable: a new call is answered.
    const next = invokeClient(raw.connectionId, 'Again', []);
    const m = await raw.nextNonPing({ what: 'the next invocation' });
    assert.equal(m.target, 'Again');
    raw.send({ type: 3, invocationId: m.invocationId, result: 'fine' });
    assert.equal(fromValue((await next).result), 'fine');
    assert.ok(raw.isOpen());
  } finally {
    raw.close();
  }
});

test('a client result does not disturb ordinary pushes to the same connection', async () => {
  const got = waitFor(conn, 'Note');
  const [r] = await Promise.all([
    invokeClient(conn.connectionId, 'Add', [20, 22]),
    gw.grpcClient.send({ hub: HUB, method: 'Note', argumentsJson: '["hi"]', connectionId: conn.connectionId }),
  ]);
  assert.equal(fromValue(r.result), 42);
  assert.deepEqual(await got, ['hi']);
});
