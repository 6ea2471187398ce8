'use strict';
// Streams: stream() is answered by HubHandler.StreamInvoke (items, completion, errors, the
// client's cancel reaching the backend), and invocations with upload streams (a
// signalR.Subject argument) by InvokeWithUploads.

const assert = require('node:assert/strict');
const { before, after } = require('node:test');
const { startGateway, test } = require('./lib/gateway');
const { connect, stopAll, subscribeStream, signalR, errorOf } = require('./lib/clients');
const { startGatewayWithTestBackend } = require('./lib/test_backend');
const { waitForDescription } = require('./lib/hub_handler');

const STREAM_ERROR = 'An error occurred on the server while streaming results.';
const invokeError = (method) => `An unexpected error occurred invoking '${method}' on the server.`;

let gw;
let backend;
let conn;
let detailedConn; // hub "detailedstreams" (detailed_errors: true)
const extraGateways = [];

before(async () => {
  ({ backend, gw } = await startGatewayWithTestBackend({
    workers: 2,
    hubs: [
      { name: 'streams', backend_deadline: '2s', stream_buffer_capacity: 10 },
      { name: 'detailedstreams', backend_deadline: '2s', detailed_errors: true },
    ],
  }));
  conn = await connect(gw.hubUrl('/hubs/streams'));
  detailedConn = await connect(gw.hubUrl('/hubs/detailedstreams'));
});

after(async () => {
  await stopAll([conn, detailedConn]);
  for (const g of extraGateways) await g.stop();
  if (gw) await gw.stop();
  if (backend) await backend.stop();
});


/** The invocation id the backend saw for the latest stream of `method` on `connection`. */
async function backendStream(connection, method, after = 0) {
  return backend.waitFor(
    (e) =>
      e.type === 'stream-start' &&
      e.method === method &&
      e.context.connectionId === connection.connectionId,
    { after, what: `stream-start of ${method}` },
  );
}

// ---------------------------------------------------------------------------------------------
// Server-to-client streams

test('stream(): every item in order, then completion', async () => {
  const s = subscribeStream(conn.stream('Count', 5), { what: 'Count(5)' });
  const { items, error } = await s.ended();
  assert.equal(error, undefined);
  assert.deepEqual(items, [0, 1, 2, 3, 4]);
  const start = await backendStream(conn, 'Count');
  assert.deepEqual(start.args, [5]);
  assert.match(start.invocationId, /^\d+$/);
});

test('stream(): an empty stream just completes', async () => {
  const { items, error } = await subscribeStream(conn.stream('Count', 0)).ended();
  assert.equal(error, undefined);
  assert.deepEqual(items, []);
});

test('stream(): a HubError ends the stream with the HubException text after the items', async () => {
  const { items, error } = await subscribeStream(conn.stream('StreamFail', 2, 'sensor offline')).ended();
  assert.deepEqual(items, [0, 1]);
  assert.ok(error, 'the stream must fail');
  assert.equal(error.message, `${STREAM_ERROR} HubException: sensor offline`);
});

test('stream(): a gRPC failure ends the stream with the bare text after the items', async () => {
  const { items, error } = await subscribeStream(conn.stream('StreamCrash', 1)).ended();
  assert.deepEqual(items, [0]);
  assert.ok(error, 'the stream must fail');
  assert.equal(error.message, STREAM_ERROR);
});

test('stream(): failing before the first item is an invocation failure, as in .NET', async () => {
  // ASP.NET: a stream method that throws before it returns its stream is answered with the
  // invocation text; only a failure while streaming gets the streaming text.
  const hubError = await subscribeStream(conn.stream('StreamFail', 0, 'no sensor')).ended();
  assert.deepEqual(hubError.items, []);
  assert.equal(hubError.error && hubError.error.message, `${invokeError('StreamFail')} HubException: no sensor`);
  const crash = await subscribeStream(conn.stream('StreamCrash', 0)).ended();
  assert.deepEqual(crash.items, []);
  assert.equal(crash.error && crash.error.message, invokeError('StreamCrash'));
});

test('stream(): an error with an exception type is masked unless detailed_errors', async () => {
  const plainEarly = await subscribeStream(conn.stream('StreamFail', 0, 'bad id', 'ArgumentException')).ended();
  assert.equal(plainEarly.error && plainEarly.error.message, invokeError('StreamFail'));
  const plainLate = await subscribeStream(conn.stream('StreamFail', 1, 'disk', 'IOException')).ended();
  assert.deepEqual(plainLate.items, [0]);
  assert.equal(plainLate.error && plainLate.error.message, STREAM_ERROR);

  const early = await subscribeStream(detailedConn.stream('StreamFail', 0, 'bad id', 'ArgumentException')).ended();
  assert.equal(early.error && early.error.message, `${invokeError('StreamFail')} ArgumentException: bad id`);
  const late = await subscribeStream(detailedConn.stream('StreamFail', 1, 'disk', 'IOException')).ended();
  assert.deepEqual(late.items, [0]);
  assert.equal(late.error && late.error.message, `${STREAM_ERROR} IOException: disk`);
});

test('two streams of one connection run side by side with their own items', async () => {
  const a = subscribeStream(conn.stream('Count', 3));
  const b = subscribeStream(conn.stream('Count', 6));
  const [ra, rb] = await Promise.all([a.ended(), b.ended()]);
  assert.deepEqual(ra, { items: [0, 1, 2], error: undefined });
  assert.deepEqual(rb, { items: [0, 1, 2, 3, 4, 5], error: undefined });
});

test('cancelling a stream (dispose) cancels the backend call; the connection stays usable', async () => {
  const mark = backend.seq;
  const s = subscribeStream(conn.stream('Forever'), { what: 'Forever' });
  assert.deepEqual(await s.nItems(3), [0, 1, 2]);
  const start = await backendStream(conn, 'Forever', mark);
  s.subscription.dispose();
  const cancelled = await backend.waitFor(
    (e) => e.type === 'stream-cancelled' && e.invocationId === start.invocationId,
    { what: 'stream-cancelled at the backend' },
  );
  assert.ok(cancelled.sent >= 3);
  assert.equal(await conn.invoke('Echo', 'still here'), 'still here');
});

test('an invocation is answered while a stream is running (parallelism 1 counts invocations only)', async () => {
  const mark = backend.seq;
  const s = subscribeStream(conn.stream('Forever'));
  await s.nItems(1);
  assert.equal(await conn.invoke('Echo', 'beside the stream'), 'beside the stream');
  const itemsBefore = s.items.length;
  await s.nItems(itemsBefore + 2); // still streaming after the invocation
  const start = await backendStream(conn, 'Forever', mark);
  s.subscription.dispose();
  await backend.waitFor((e) => e.type === 'stream-cancelled' && e.invocationId === start.invocationId, {
    what: 'stream-cancelled',
  });
});

// ---------------------------------------------------------------------------------------------
// Client-to-server (upload) streams

test('upload stream: the backend receives the items in order and its result comes back', async () => {
  const subject = new signalR.Subject();
  const result = conn.invoke('Sum', subject);
  for (const n of [1, 2, 3, 4]) subject.next(n);
  subject.complete();
  assert.equal(await result, 10);
  const done = await backend.waitFor(
    (e) => e.type === 'upload-complete' && e.items.length === 4 && e.items[3] === 4,
    { what: 'upload-complete' },
  );
  assert.deepEqual(done.items, [1, 2, 3, 4]);
  assert.equal(done.error, '');
  assert.equal(done.streamIndex, 0);
  const start = backend.of('upload-start', (e) => e.invocationId === done.invocationId)[0];
  assert.equal(start.method, 'Sum');
  assert.deepEqual(start.args, [], 'the stream argument is not an ordinary argument');
  assert.equal(start.context.connectionId, conn.connectionId);
});

test('upload stream next to an ordinary argument', async () => {
  const subject = new signalR.Subject();
  const result = conn.invoke('Sum', 100, subject);
  subject.next(5);
  subject.next(6);
  subject.complete();
  assert.equal(await result, 111);
  const start = backend.of('upload-start', (e) => e.args.length === 1 && e.args[0] === 100);
  assert.equal(start.length, 1);
});

test('upload stream that fails on the client: the backend sees the error', async () => {
  const subject = new signalR.Subject();
  const result = conn.invoke('Sum', subject);
  subject.next(1);
  subject.error(new Error('camera unplugged'));
  assert.equal(await errorOf(result), `${invokeError('Sum')} HubException: Upload failed: camera unplugged`);
  const done = await backend.waitFor((e) => e.type === 'upload-complete' && e.error !== '', {
    what: 'failed upload-complete',
  });
  assert.equal(done.error, 'camera unplugged');
  assert.deepEqual(done.items, [1]);
});

test('wrong number of upload streams: the .NET count-mismatch error', async () => {
  assert.equal(
    await errorOf(conn.invoke('Sum', 1)),
    `${invokeError('Sum')} HubException: Client sent 0 stream(s), Hub method expects 1.`,
  );
  const subject = new signalR.Subject();
  const echo = conn.invoke('Echo', subject);
  subject.complete();
  assert.equal(
    await errorOf(echo),
    `${invokeError('Echo')} HubException: Client sent 1 stream(s), Hub method expects 0.`,
  );
  assert.equal(await conn.invoke('Echo', 'usable'), 'usable');
});

// ---------------------------------------------------------------------------------------------
// Back-pressure, and a connection that closes while a backend stream or upload call runs. Each
// test has a gateway of its own (same backend), so that a gateway failing here cannot hide
// other results.

async function ownGateway() {
  const g = await startGateway({
    workers: 2,
    name: `gateway-${extraGateways.length + 2}`,
    config: { hubs: [{ name: 'streams', path: '/hubs/streams', backend_target: backend.target }] },
  });
  extraGateways.push(g);
  await waitForDescription(g, 'streams');
  return g;
}

/** Rejects as soon as gateway `g` exits: a crash fails the test at once and says so. */
function gatewayExit(g) {
  return g.exited.then(({ code, signal }) => {
    throw new Error(`the gateway exited (code ${code}, signal ${signal})`);
  });
}

/**
 * Awaits `promise`; when it fails because the gateway died (the connection drops before the
 * process is reaped), the error says so.
 */
async function orGatewayCrash(g, promise) {
  try {
    return await Promise.race([promise, gatewayExit(g)]);
  } catch (err) {
    let timer;
    const exited = await Promise.race([
      g.exited,
      new Promise((resolve) => {
        timer = setTimeout(() => resolve(undefined), 5000);
      }),
    ]).finally(() => clearTimeout(timer));
    if (exited) {
      throw new Error(
        `the gateway crashed (exit code ${exited.code}, signal ${exited.signal}); the client saw: ${err.message}`,
      );
    }
    throw err;
  }
}

/** After `closingId` closed: OnDisconnected reached the backend and the gateway still serves. */
async function assertGatewaySurvived(g, closingId, survivor) {
  const disconnected = await orGatewayCrash(
    g,
    backend.waitFor((e) => e.type === 'disconnected' && e.connectionId === closingId, {
      what: `OnDisconnected of ${closingId}`,
    }),
  );
  assert.equal(disconnected.error, '');
  assert.equal(await orGatewayCrash(g, survivor.invoke('Echo', 'gateway alive')), 'gateway alive');
  assert.equal(g.exitCode, undefined, `gateway exited (code ${g.exitCode}, signal ${g.exitSignal})`);
}

test('closing the connection during a stream cancels it at the backend; the gateway keeps running', async () => {
  const g = await ownGateway();
  const survivor = await connect(g.hubUrl('/hubs/streams'));
  const leaving = await connect(g.hubUrl('/hubs/streams'));
  try {
    const s = subscribeStream(leaving.stream('Forever'));
    await s.nItems(2);
    const start = await backendStream(leaving, 'Forever');
    const id = leaving.connectionId; // stop() clears it
    await leaving.stop();
    await backend.waitFor((e) => e.type === 'stream-cancelled' && e.invocationId === start.invocationId, {
      what: 'stream-cancelled after stop()',
    });
    await assertGatewaySurvived(g, id, survivor);
  } finally {
    await stopAll([survivor, leaving]);
  }
});

test('closing the connection during an upload cancels the backend call; the gateway keeps running', async () => {
  const g = await ownGateway();
  const survivor = await connect(g.hubUrl('/hubs/streams'));
  const leaving = await orGatewayCrash(g, connect(g.hubUrl('/hubs/streams')));
  try {
    const subject = new signalR.Subject();
    leaving.invoke('Sum', subject).catch(() => {}); // fails when the connection closes
    subject.next(7);
    const item = await backend.waitFor(
      (e) => e.type === 'upload-item' && e.item === 7,
      { what: 'the first upload item' },
    );
    const id = leaving.connectionId; // stop() clears it
    await leaving.stop();
    await backend.waitFor((e) => e.type === 'cancelled' && e.invocationId === item.invocationId && e.seq > item.seq, {
      what: 'cancellation of the upload call',
    });
    await assertGatewaySurvived(g, id, survivor);
  } finally {
    await stopAll([survivor, leaving]);
  }
});

test('upload stream of 200 items sent at once (well over stream_buffer_capacity 10) arrives complete', async () => {
  const g = await ownGateway();
  const c = await connect(g.hubUrl('/hubs/streams'));
  try {
    const subject = new signalR.Subject();
    const result = c.invoke('Sum', 1000000, subject);
    let expected = 1000000;
    for (let i = 1; i <= 200; i += 1) {
      subject.next(i);
      expected += i;
    }
    subject.complete();
    assert.equal(await orGatewayCrash(g, result), expected);
    const done = await backend.waitFor(
      (e) => e.type === 'upload-complete' && e.items.length === 200 && e.items[0] === 1,
      { what: 'upload-complete of 200 items' },
    );
    assert.deepEqual(
      done.items,
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    assert.equal(await orGatewayCrash(g, c.invoke('Echo', 'after upload')), 'after upload');
  } finally {
    await stopAll([c]);
  }
});
