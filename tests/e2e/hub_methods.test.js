'use strict';
// Hub methods answered by a backend (HubHandler.Invoke): results, void, every error kind with
// the exact .NET text, send() (fire and forget), case-insensitive names, wrong call kinds, and
// the ordering of a client's invocations (max_parallel_invocations).
//
// The backend is lib/test_backend.js (Node, in this process); it records every call, so the
// tests see what reached it.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { test } = require('./lib/gateway');
const {
  connect,
  stopAll,
  rawHubClient,
  withTimeout,
  errorOf,
  matrix,
} = require('./lib/clients');
const { startGatewayWithTestBackend } = require('./lib/test_backend');

const DEADLINE_MS = 1000;
const prefix = (method) => `An unexpected error occurred invoking '${method}' on the server.`;

let gw;
let backend;
let conn; // hub "methods"
let detailed; // hub "detailed" (detailed_errors: true)
let parallel; // hub "parallel" (max_parallel_invocations: 4)

before(async () => {
  ({ backend, gw } = await startGatewayWithTestBackend({
    workers: 2,
    hubs: [
      { name: 'methods', backend_deadline: `${DEADLINE_MS}ms` },
      { name: 'detailed', backend_deadline: `${DEADLINE_MS}ms`, detailed_errors: true },
      { name: 'parallel', max_parallel_invocations: 4 },
    ],
  }));
  conn = await connect(gw.hubUrl('/hubs/methods'));
  detailed = await connect(gw.hubUrl('/hubs/detailed'));
  parallel = await connect(gw.hubUrl('/hubs/parallel'));
});

after(async () => {
  await stopAll([conn, detailed, parallel]);
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});


/** The backend's 'invoke' event of this connection and method (the latest one). */
function lastInvoke(connection, method) {
  const events = backend.of(
    'invoke',
    (e) => e.method === method && e.context.connectionId === connection.connectionId,
  );
  return events[events.length - 1];
}

test('invoke returns the backend result: JSON values survive the trip both ways', async () => {
  const value = {
    text: 'grüße, 世界 "quoted"',
    int: 42,
    negative: -7,
    big: 9007199254740991,
    double: 1.5,
    flag: true,
    nothing: null,
    list: [1, 'two', [3], { four: 4 }],
    nested: { a: { b: { c: [] } } },
  };
  assert.deepEqual(await conn.invoke('Echo', value), value);
  const seen = lastInvoke(conn, 'Echo');
  assert.deepEqual(seen.args, [value]);
  assert.match(seen.invocationId, /^\d+$/, 'invoke() carries the client invocation id');
});

test('invoke with several arguments: the backend receives them in order', async () => {
  assert.deepEqual(await conn.invoke('Echo', 'a', 2, null, false), ['a', 2, null, false]);
  assert.deepEqual(lastInvoke(conn, 'Echo').args, ['a', 2, null, false]);
});

test('a null result and a scalar result', async () => {
  assert.equal(await conn.invoke('Echo', null), null);
  assert.equal(await conn.invoke('Echo', 'plain'), 'plain');
  assert.equal(await conn.invoke('Echo', 0), 0);
});

test('void method: invoke() resolves with undefined and the backend was called', async () => {
  const before = backend.of('invoke', (e) => e.method === 'Void').length;
  assert.equal(await conn.invoke('Void'), undefined);
  assert.equal(backend.of('invoke', (e) => e.method === 'Void').length, before + 1);
});

test('on the wire: void has neither result nor error; a null result is "result": null', async () => {
  const raw = await rawHubClient(gw.hubUrl('/hubs/methods'));
  try {
    raw.send({ type: 1, invocationId: 'v1', target: 'Void', arguments: [] });
    const v = await raw.nextNonPing({ what: 'Completion of Void' });
    assert.deepEqual(v, { type: 3, invocationId: 'v1' });
    raw.send({ type: 1, invocationId: 'n1', target: 'Echo', arguments: [null] });
    const n = await raw.nextNonPing({ what: 'Completion of Echo(null)' });
    assert.deepEqual(n, { type: 3, invocationId: 'n1', result: null });
  } finally {
    raw.close();
  }
});

test('HubError reaches the client as HubException with the backend message', async () => {
  assert.equal(
    await errorOf(conn.invoke('Fail', 'Post 7 is locked.')),
    `${prefix('Fail')} HubException: Post 7 is locked.`,
  );
  assert.equal(
    await errorOf(conn.invoke('Fail')),
    `${prefix('Fail')} HubException: Fail was called.`,
  );
});

test('HubError is the same with detailed_errors', async () => {
  assert.equal(
    await errorOf(detailed.invoke('Fail', 'nope')),
    `${prefix('Fail')} HubException: nope`,
  );
});

test('a HubError with an exception type is masked unless detailed_errors, as .NET does', async () => {
  const message = 'Sequence contains no elements';
  assert.equal(await errorOf(conn.invoke('Fail', message, 'InvalidOperationException')), prefix('Fail'));
  assert.equal(
    await errorOf(detailed.invoke('Fail', message, 'InvalidOperationException')),
    `${prefix('Fail')} InvalidOperationException: ${message}`,
  );
  // The type HubException is what an untyped HubError is: its message always reaches the client.
  assert.equal(
    await errorOf(conn.invoke('Fail', 'shown', 'HubException')),
    `${prefix('Fail')} HubException: shown`,
  );
});

test('a gRPC error status reaches the client as the bare generic text', async () => {
  assert.equal(await errorOf(conn.invoke('Crash')), prefix('Crash'));
  // the backend was reached
  assert.ok(lastInvoke(conn, 'Crash'), 'Crash reached the backend');
});

test('detailed_errors: a gRPC error status adds RpcException: <CODE>: <message>', async () => {
  assert.equal(
    await errorOf(detailed.invoke('Crash')),
    `${prefix('Crash')} RpcException: INTERNAL: crashed on purpose`,
  );
});

test('a backend that does not answer within backend_deadline: generic error, call cancelled', async () => {
  const started = Date.now();
  const [plain, withDetails] = await Promise.all([
    errorOf(conn.invoke('Slow')),
    errorOf(detailed.invoke('Slow')),
  ]);
  const elapsed = Date.now() - started;
  assert.equal(plain, prefix('Slow'));
  assert.match(
    withDetails,
    new RegExp(`^${prefix('Slow').replace(/[.()']/g, '\\$&')} RpcException: DEADLINE_EXCEEDED: .+`),
  );
  assert.ok(elapsed >= DEADLINE_MS - 100, `failed after ${elapsed} ms, before the ${DEADLINE_MS} ms deadline`);
  assert.ok(elapsed < DEADLINE_MS + 3000, `failed only after ${elapsed} ms (deadline ${DEADLINE_MS} ms)`);
  // The backend saw its call end (the deadline propagates as a cancellation).
  const slowCall = lastInvoke(conn, 'Slow');
  await backend.waitFor((e) => e.type === 'cancelled' && e.invocationId === slowCall.invocationId && e.method === 'Slow', {
    what: 'cancellation of Slow at the backend',
  });
  // The connection is still usable afterwards.
  assert.equal(await conn.invoke('Echo', 'after-slow'), 'after-slow');
});

test('unknown method: "Unknown hub method" and the backend is not called', async () => {
  const before = backend.events.length;
  assert.equal(await errorOf(conn.invoke('NoSuchMethod', 1)), "Unknown hub method 'NoSuchMethod'");
  assert.equal(await conn.invoke('Echo', 'fence'), 'fence');
  const reached = backend.events.slice(before).filter((e) => e.method === 'NoSuchMethod');
  assert.deepEqual(reached, []);
});

test('method names are case-insensitive; the backend receives the described name', async () => {
  assert.equal(await conn.invoke('echo', 'lower'), 'lower');
  assert.equal(lastInvoke(conn, 'Echo').args[0], 'lower');
  assert.equal(await conn.invoke('ECHO', 'upper'), 'upper');
  assert.equal(lastInvoke(conn, 'Echo').args[0], 'upper');
  assert.equal(backend.of('invoke', (e) => /^echo$/i.test(e.method) && e.method !== 'Echo').length, 0);
});

test('invoke() of a streaming method and stream() of a non-streaming method are refused', async () => {
  const before = backend.events.length;
  assert.equal(
    await errorOf(conn.invoke('Count', 3)),
    "The client attempted to invoke the streaming 'Count' method with a non-streaming invocation.",
  );
  const streamError = await withTimeout(
    new Promise((resolve) => {
      conn.stream('Echo', 'x').subscribe({
        next: (item) => resolve(new Error(`unexpected item ${JSON.stringify(item)}`)),
        complete: () => resolve(new Error('stream completed without error')),
        error: (err) => resolve(err),
      });
    }),
    5000,
    'stream() of Echo',
  );
  assert.equal(
    streamError.message,
    "The client attempted to invoke the non-streaming 'Echo' method with a streaming invocation.",
  );
  assert.equal(await conn.invoke('Echo', 'fence'), 'fence');
  const reached = backend.events
    .slice(before)
    .filter((e) => (e.method === 'Count' || (e.method === 'Echo' && e.type === 'stream-start')));
  assert.deepEqual(reached, [], 'neither call reached the backend');
});

test('send(): the backend is called without an invocation id', async () => {
  await conn.send('Record', 'fire', 1, { and: 'forget' });
  const e = await backend.waitFor(
    (ev) => ev.type === 'invoke' && ev.method === 'Record' && ev.args[0] === 'fire',
    { what: 'Record call' },
  );
  assert.equal(e.invocationId, '');
  assert.deepEqual(e.args, ['fire', 1, { and: 'forget' }]);
  assert.equal(e.context.connectionId, conn.connectionId);
});

test('send() is never answered, not even with an error (unknown method, HubError, failure)', async () => {
  const raw = await rawHubClient(gw.hubUrl('/hubs/methods'));
  try {
    raw.send({ type: 1, target: 'Record', arguments: ['raw-send'] });
    raw.send({ type: 1, target: 'Fail', arguments: ['not reported'] });
    raw.send({ type: 1, target: 'Crash', arguments: [] });
    raw.send({ type: 1, target: 'NoSuchMethod', arguments: [] });
    raw.send({ type: 1, invocationId: 'fence', target: 'Echo', arguments: ['fence'] });
    // Invocations of a client run in order: everything above was handled before the fence.
    const first = await raw.nextNonPing({ what: 'the fence Completion' });
    assert.deepEqual(first, { type: 3, invocationId: 'fence', result: 'fence' });
    const failSeen = backend.of('invoke', (e) => e.method === 'Fail' && e.args[0] === 'not reported');
    assert.equal(failSeen.length, 1, 'the send() of Fail reached the backend');
    assert.equal(failSeen[0].invocationId, '');
    assert.ok(raw.isOpen());
  } finally {
    raw.close();
  }
});

test('default parallelism 1: a client\'s invocations reach the backend one at a time, in order', async () => {
  const tags = ['c0', 'c1', 'c2', 'c3', 'c4'];
  const resolvedOrder = [];
  // Fired without awaiting; the first one is slow.
  const calls = tags.map((tag, i) =>
    conn.invoke('Delay', tag, i === 0 ? 300 : 0).then((r) => {
      resolvedOrder.push(r);
      return r;
    }),
  );
  assert.deepEqual(await Promise.all(calls), tags);
  assert.deepEqual(resolvedOrder, tags);
  const trace = backend.events
    .filter(
      (e) =>
        (e.type === 'invoke' || e.type === 'invoke-done') &&
        e.method === 'Delay' &&
        (e.type === 'invoke-done' || e.context.connectionId === conn.connectionId),
    )
    .filter((e) => tags.includes(e.type === 'invoke' ? e.args[0] : e.tag))
    .map((e) => `${e.type === 'invoke' ? 'start' : 'end'} ${e.type === 'invoke' ? e.args[0] : e.tag}`);
  assert.deepEqual(trace, tags.flatMap((t) => [`start ${t}`, `end ${t}`]));
});

test('max_parallel_invocations 4: invocations overlap (the ordering test can fail)', async () => {
  const tags = ['p0', 'p1', 'p2', 'p3'];
  const calls = tags.map((tag, i) => parallel.invoke('Delay', tag, i === 0 ? 300 : 0));
  assert.deepEqual(await Promise.all(calls), tags);
  const starts = backend.of(
    'invoke',
    (e) => e.method === 'Delay' && e.context.connectionId === parallel.connectionId,
  );
  const p0Done = backend.of('invoke-done', (e) => e.tag === 'p0')[0];
  const startedBeforeP0Ended = starts.filter((e) => e.seq < p0Done.seq).map((e) => e.args[0]);
  assert.deepEqual(startedBeforeP0Ended.sort(), tags);
});

test('the call context of an invocation names the hub, the connection and the transport', async () => {
  const ctx = await conn.invoke('Context');
  assert.equal(ctx.hub, 'methods');
  assert.equal(ctx.connectionId, conn.connectionId);
  assert.equal(ctx.transport, matrix.transport);
  assert.equal(ctx.protocol, matrix.protocol);
  assert.equal(ctx.userId, '');
  const ctx2 = await detailed.invoke('Context');
  assert.equal(ctx2.hub, 'detailed');
  assert.equal(ctx2.connectionId, detailed.connectionId);
});
