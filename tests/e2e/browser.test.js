'use strict';
// The official SignalR browser client in headless Chromium (playwright-core, Debian's
// /usr/bin/chromium), against the real gateway.
//
// - Transports x protocols: the test page (browser/index.html + browser/hub.js and the
//   official bundles from node_modules) is served same-origin by the gateway
//   (http.static_dir). For each combination the page connects, receives Push API messages with
//   typed values (binary and timestamps differ between JSON and MessagePack), invokes Echo on
//   the Node test backend, and the transport is checked three ways: the client's own log, the
//   backend's CallContext and the gateway's hubgate_connections gauge.
// - The demo: demo/index.html and vendor/signalr.min.js (as scripts/demo.sh sets them up),
//   with the posts example backend; a user subscribes, comments, and receives pushes from the
//   backend's REST API and from the Push API. A screenshot goes to build/screenshots/demo.png.
// - Cross-origin: the page comes from another origin (a Node static server) and connects to a
//   gateway whose cors.allowed_origins lists that origin; an origin not listed is refused.
//
// The tests skip, saying why, only when Chromium is not installed.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { before, after } = require('node:test');
const { startGateway, test, REPO_ROOT } = require('./lib/gateway');
const { startGatewayWithTestBackend } = require('./lib/test_backend');
const { freePort, waitForDescription } = require('./lib/hub_handler');
const { startExampleBackend, httpJson } = require('./lib/example_backends');
const { scrape } = require('./lib/admin');
const {
  BUNDLES,
  browserSkipReason,
  launchBrowser,
  waitForPage,
  withPageLog,
  makeStaticDir,
  serveDirectory,
} = require('./lib/browser');

const skip = browserSkipReason();
const HUB = 'browser';
const HUB_PATH = `/hubs/${HUB}`;
const PAGE_DIR = path.join(__dirname, 'browser');
const SCREENSHOT = path.join(REPO_ROOT, 'build', 'screenshots', 'demo.png');
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The test page and the bundles, as files of a static directory. */
const PAGE_FILES = {
  'index.html': path.join(PAGE_DIR, 'index.html'),
  'hub.js': path.join(PAGE_DIR, 'hub.js'),
  ...BUNDLES,
};

let browser;
let backend;
let gw;
let staticDir;
const cleanups = []; // run in after(), last registered first

before(async () => {
  if (skip) return;
  staticDir = makeStaticDir(PAGE_FILES);
  ({ backend, gw } = await startGatewayWithTestBackend({
    hubs: [{ name: HUB }],
    config: { http: { static_dir: staticDir } },
  }));
  browser = await launchBrowser();
});

after(async () => {
  for (const cleanup of cleanups.reverse()) {
    await cleanup().catch(() => {});
  }
  if (browser) await browser.close();
  if (gw) await gw.stop();
  if (backend) await backend.stop();
  if (staticDir) fs.rmSync(staticDir, { recursive: true, force: true });
});

/** Registers `fn` to run in after() and returns a function running it now (once). */
function onCleanup(fn) {
  let done;
  const once = () => {
    if (!done) done = Promise.resolve().then(fn);
    return done;
  };
  cleanups.push(once);
  return once;
}

/** Opens the test page at `url` and waits until hub.js has loaded. */
async function openTestPage(url) {
  const page = await browser.newPage();
  const response = await page.goto(url);
  assert.equal(response.status(), 200, `GET ${url}`);
  await waitForPage(page, () => window.hubReady === true, undefined, 'the test page to load');
  return page;
}

/** page.evaluate with the page's console log added to a failure. */
async function inPage(page, fn, arg) {
  try {
    return await page.evaluate(fn, arg);
  } catch (err) {
    throw withPageLog(page, err);
  }
}

/** Waits until window.received holds `n` messages and returns them. */
function receivedCount(page, n) {
  return waitForPage(
    page,
    (count) => window.received.length >= count && window.received,
    n,
    `${n} received message(s)`,
  );
}

// ---------------------------------------------------------------------------------------------
// Typed values: what the Push API sends and what each protocol makes of it in the browser.

const TIMESTAMP_MS = 1700000000123; // 2023-11-14T22:13:20.123Z

const TYPED_VALUES = [
  { stringValue: 'héllo "wörld"' },
  { intValue: '-42' },
  { doubleValue: 1.5 },
  { boolValue: true },
  { nullValue: 'NULL_VALUE' },
  { binaryValue: Buffer.from([1, 2, 3, 250]) },
  { timestampValue: { seconds: '1700000000', nanos: 123000000 } },
  {
    mapValue: {
      fields: {
        name: { stringValue: 'n' },
        inner: {
          mapValue: {
            fields: {
              list: {
                listValue: {
                  values: [{ intValue: '1' }, { stringValue: 'two' }, { binaryValue: Buffer.from([9]) }],
                },
              },
              epoch: { timestampValue: { seconds: '0', nanos: 0 } },
              none: { nullValue: 'NULL_VALUE' },
            },
          },
        },
      },
    },
  },
];

/** Checks the tagged arguments of the "Typed" push (see browser/hub.js for the tags). */
function assertTyped(args, protocol) {
  assert.equal(args.length, TYPED_VALUES.length);
  assert.deepEqual(args.slice(0, 5), ['héllo "wörld"', -42, 1.5, true, null]);
  const [binary, timestamp, map] = args.slice(5);
  if (protocol === 'messagepack') {
    // bin -> Uint8Array; timestamp extension (-1) -> Date (millisecond precision in JS).
    assert.deepEqual(binary, { $bytes: [1, 2, 3, 250] });
    assert.deepEqual(timestamp, { $date: new Date(TIMESTAMP_MS).toISOString() });
    assert.deepEqual(map, {
      name: 'n',
      inner: { list: [1, 'two', { $bytes: [9] }], epoch: { $date: '1970-01-01T00:00:00.000Z' }, none: null },
    });
  } else {
    // JSON: binary as base64, timestamps as ISO-8601 strings.
    assert.equal(binary, Buffer.from([1, 2, 3, 250]).toString('base64'));
    assert.equal(typeof timestamp, 'string');
    assert.match(timestamp, ISO_RE);
    assert.equal(Date.parse(timestamp), TIMESTAMP_MS);
    assert.equal(map.name, 'n');
    assert.deepEqual(map.inner.list, [1, 'two', Buffer.from([9]).toString('base64')]);
    assert.match(map.inner.epoch, ISO_RE);
    assert.equal(Date.parse(map.inner.epoch), 0);
    assert.equal(map.inner.none, null);
    assert.deepEqual(Object.keys(map.inner).sort(), ['epoch', 'list', 'none']);
  }
}

/** The hubgate_connections series of hub `hub` with a non-zero value. */
async function openConnectionSeries(gateway, hub) {
  const metrics = await scrape(gateway);
  const series = [];
  for (const [key, value] of metrics) {
    if (key.startsWith('hubgate_connections{') && key.includes(`hub="${hub}"`) && value !== 0) {
      series.push({ key, value });
    }
  }
  return series;
}

/** A metrics transport label such as "websockets" or "server_sent_events", normalised. */
function normaliseTransport(label) {
  const l = label.toLowerCase().replace(/[^a-z]/g, '');
  return l === 'sse' ? 'serversentevents' : l;
}

// ---------------------------------------------------------------------------------------------
// Transports x protocols, same origin

const CASES = [
  { transport: 'WebSockets', protocol: 'json' },
  { transport: 'WebSockets', protocol: 'messagepack' },
  { transport: 'ServerSentEvents', protocol: 'json' }, // SSE carries text only
  { transport: 'LongPolling', protocol: 'json' },
  { transport: 'LongPolling', protocol: 'messagepack' },
];

for (const { transport, protocol } of CASES) {
  test(`${transport} + ${protocol}: connects, receives typed pushes, invokes Echo`, { skip, timeout: 20000 }, async () => {
    const page = await openTestPage(`${gw.httpUrl}/`);
    const close = onCleanup(() => page.close());
    try {
      const info = await inPage(page, (o) => window.hub.start(o), { transport, protocol, url: HUB_PATH });
      assert.equal(typeof info.connectionId, 'string');
      assert.ok(info.connectionId.length > 0, 'connectionId is set');
      assert.equal(info.state, 'Connected');
      assert.equal(info.transport, transport, 'the transport the client selected');

      // The gateway counts the connection under the requested transport and protocol.
      const series = await openConnectionSeries(gw, HUB);
      assert.equal(series.length, 1, `one open connection: ${JSON.stringify(series)}`);
      assert.equal(series[0].value, 1);
      assert.ok(series[0].key.includes(`protocol="${protocol}"`), series[0].key);
      const label = /transport="([^"]*)"/.exec(series[0].key)[1];
      assert.equal(normaliseTransport(label), transport.toLowerCase(), `metrics label ${label}`);

      // Pushes: arguments_json first, then typed Values; one connection receives in order.
      const notify = await gw.grpcClient.send({
        hub: HUB,
        method: 'Notify',
        connectionId: info.connectionId,
        argumentsJson: '[{"id":7,"tags":["a","b"],"deep":{"x":[1,2.5,null]}},"text"]',
      });
      assert.equal(notify.queuedConnections, '1');
      await gw.grpcClient.send({
        hub: HUB,
        method: 'Typed',
        connectionId: info.connectionId,
        arguments: { values: TYPED_VALUES },
      });
      // A push to the whole hub reaches this connection too.
      await gw.grpcClient.send({ hub: HUB, method: 'Marker', all: {}, argumentsJson: '["to all"]' });
      const received = await receivedCount(page, 3);
      assert.deepEqual(
        received.map((m) => m.target),
        ['Notify', 'Typed', 'Marker'],
      );
      assert.deepEqual(received[0].args, [{ id: 7, tags: ['a', 'b'], deep: { x: [1, 2.5, null] } }, 'text']);
      assertTyped(received[1].args, protocol);
      assert.deepEqual(received[2].args, ['to all']);

      // A hub method answered by the backend.
      const payload = { text: 'héllo', n: 42, f: 1.5, list: [1, 'two', null], nested: { ok: true } };
      const echoed = await inPage(page, (p) => window.hub.invoke('Echo', p), payload);
      assert.deepEqual(echoed, payload);
      const call = await backend.waitFor(
        (e) => e.type === 'invoke' && e.method === 'Echo' && e.context.connectionId === info.connectionId,
        { what: `Echo from ${info.connectionId}` },
      );
      assert.equal(call.context.transport, transport, 'CallContext.transport');
      assert.equal(call.context.protocol, protocol, 'CallContext.protocol');
      assert.deepEqual(call.args, [payload]);

      if (protocol === 'messagepack') {
        // Binary and a timestamp sent by the browser come back with their types.
        const typed = await inPage(page, () =>
          window.hub.invoke('Echo', { $bytes: [0, 255, 7] }, { $date: '2024-02-29T12:34:56.789Z' }),
        );
        // The Node test backend hands timestamps to its methods as ISO text (lib/hub_handler.js
        // fromValue), so Echo answers the timestamp as a string.
        assert.deepEqual(typed, [{ $bytes: [0, 255, 7] }, '2024-02-29T12:34:56.789Z']);
      }

      // A clean stop reaches the backend as OnDisconnected without an error.
      await inPage(page, () => window.hub.stop());
      const gone = await backend.waitFor(
        (e) => e.type === 'disconnected' && e.connectionId === info.connectionId,
        { what: `OnDisconnected of ${info.connectionId}` },
      );
      assert.equal(gone.error || '', '');
      assert.deepEqual(await inPage(page, () => window.closedWith), { error: null });
    } finally {
      await close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The demo page, as scripts/demo.sh serves it

/** Width and height from a PNG's IHDR chunk. */
function pngSize(buffer) {
  assert.ok(buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

test('demo: a user subscribes, comments and sees pushes from REST and gRPC; screenshot', { skip, timeout: 30000 }, async () => {
  const grpcPort = await freePort();
  const posts = await startExampleBackend('posts', { gateway: `127.0.0.1:${grpcPort}` });
  const stopPosts = onCleanup(() => posts.stop());
  const demoDir = makeStaticDir({
    'index.html': path.join(REPO_ROOT, 'demo', 'index.html'),
    'vendor/signalr.min.js': BUNDLES['signalr.min.js'],
  });
  const removeDemoDir = onCleanup(() => fs.rmSync(demoDir, { recursive: true, force: true }));
  const demo = await startGateway({
    name: 'demo-gateway',
    grpcListen: `127.0.0.1:${grpcPort}`,
    config: {
      http: { static_dir: demoDir },
      hubs: [{ name: 'posts', path: '/hubs/posts', backend_target: posts.target, backend_deadline: '5s' }],
    },
  });
  const stopDemo = onCleanup(() => demo.stop());
  const page = await browser.newPage();
  const closePage = onCleanup(() => page.close());
  try {
    await waitForDescription(demo, 'posts');
    const restPort = new URL(posts.httpUrl).port;
    await page.goto(`${demo.httpUrl}/?grpc=${demo.grpcPort}&rest=${restPort}`);
    await waitForPage(page, () => window.demoReady === true, undefined, 'window.demoReady');

    const id = await page.locator('#connection-id').textContent();
    assert.equal(id, await inPage(page, () => connection.connectionId)); // eslint-disable-line no-undef
    assert.equal(await page.locator('#status').textContent(), 'connected');
    assert.match(await page.locator('#commands').textContent(), new RegExp(`--connection ${id} `));

    // Subscribe to post 42 (the default in the form).
    await page.click('#subscribe');
    await waitForPage(page, () => window.received.some((m) => m.method === 'SubscribedToPost'), undefined, 'SubscribedToPost');

    // An empty comment: the backend's HubError is shown next to the form.
    await page.fill('#comment', '   ');
    await page.click('#send-comment');
    await waitForPage(page, () => document.getElementById('error').textContent !== '', undefined, 'the error text');
    assert.match(await page.locator('#error').textContent(), /Comment must not be empty\./);

    // A comment reaches the post's group, this page included; the error is cleared.
    await page.fill('#comment', 'Hello from the browser test');
    await page.click('#send-comment');
    await waitForPage(page, () => window.received.some((m) => m.method === 'NewComment'), undefined, 'NewComment');
    assert.equal(await page.locator('#error').textContent(), '');
    assert.equal(await page.inputValue('#comment'), '', 'the comment field is cleared');

    // The backend's REST action pushes PostPublished (everyone) and PostUpdated (post-42).
    const publish = await httpJson(`${posts.httpUrl}/api/posts/42/publish`, {
      method: 'POST',
      body: { title: 'Hello from REST' },
    });
    assert.equal(publish.status, 202);
    await waitForPage(
      page,
      () => ['PostPublished', 'PostUpdated'].every((t) => window.received.some((m) => m.method === t)),
      undefined,
      'PostPublished and PostUpdated',
    );

    // A push straight through the Push API to this connection.
    await demo.grpcClient.send({ hub: 'posts', method: 'Notify', connectionId: id, argumentsJson: '["just for you"]' });
    await waitForPage(page, () => window.received.some((m) => m.method === 'Notify'), undefined, 'Notify');

    // What the page shows: one row per message, newest first.
    const rows = await page.$$eval('#messages tr', (trs) =>
      trs.map((tr) => Array.from(tr.cells, (td) => td.textContent)),
    );
    assert.equal(rows.length, 5, JSON.stringify(rows));
    const byMethod = Object.fromEntries(rows.map((r) => [r[2], r]));
    assert.deepEqual(rows.map((r) => r[0]), ['5', '4', '3', '2', '1']);
    assert.equal(rows[0][2], 'Notify');
    assert.equal(rows[4][2], 'SubscribedToPost');
    assert.equal(rows[3][2], 'NewComment');
    assert.equal(JSON.parse(byMethod.SubscribedToPost[3])[0], 42);
    const comment = JSON.parse(byMethod.NewComment[3])[0];
    assert.equal(comment.postId, 42);
    assert.equal(comment.content, 'Hello from the browser test');
    assert.equal(comment.userName, 'anonymous');
    assert.match(comment.timestamp, ISO_RE);
    assert.deepEqual(JSON.parse(byMethod.PostPublished[3]), [{ id: 42, title: 'Hello from REST' }]);
    assert.deepEqual(JSON.parse(byMethod.PostUpdated[3]), [
      { id: 42, title: 'Hello from REST', status: 'published' },
    ]);
    assert.deepEqual(JSON.parse(byMethod.Notify[3]), ['just for you']);
    const tableText = await page.locator('table').innerText();
    assert.match(tableText, /Hello from the browser test/);
    assert.match(tableText, /just for you/);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    fs.rmSync(SCREENSHOT, { force: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = fs.readFileSync(SCREENSHOT);
    const { width, height } = pngSize(png);
    assert.equal(width, 1280);
    assert.ok(height >= 400, `screenshot height ${height}`);
    assert.ok(png.length > 20000, `screenshot is ${png.length} bytes`);
  } finally {
    await closePage();
    await stopDemo();
    await stopPosts();
    await removeDemoDir();
  }
});

// ---------------------------------------------------------------------------------------------
// Cross-origin

test('cross-origin: a page from an allowed origin connects (negotiate + WebSockets), another origin is refused', { skip, timeout: 30000 }, async () => {
  const pageDir = makeStaticDir(PAGE_FILES);
  const removePageDir = onCleanup(() => fs.rmSync(pageDir, { recursive: true, force: true }));
  const allowed = await serveDirectory(pageDir);
  const closeAllowed = onCleanup(() => allowed.close());
  const other = await serveDirectory(pageDir);
  const closeOther = onCleanup(() => other.close());
  const corsGw = await startGateway({
    name: 'cors-gateway',
    config: {
      cors: { allowed_origins: [allowed.origin] },
      hubs: [{ name: HUB, path: HUB_PATH, backend_target: backend.target }],
    },
  });
  const stopCorsGw = onCleanup(() => corsGw.stop());
  const pages = [];
  const closePages = onCleanup(() => Promise.all(pages.map((p) => p.close())));
  try {
    await waitForDescription(corsGw, HUB);
    const hubUrl = corsGw.hubUrl(HUB_PATH);
    assert.notEqual(allowed.origin, corsGw.httpUrl);

    const page = await openTestPage(allowed.url);
    pages.push(page);
    const info = await inPage(page, (url) => window.hub.start({ url, transport: 'WebSockets', protocol: 'json' }), hubUrl);
    assert.ok(info.connectionId, 'connectionId is set');
    assert.equal(info.transport, 'WebSockets');
    assert.ok(
      (await inPage(page, () => window.hubLog)).some((l) => /Sending negotiation request/.test(l)),
      'the client negotiated (a cross-origin POST)',
    );
    await corsGw.grpcClient.send({ hub: HUB, method: 'Notify', connectionId: info.connectionId, argumentsJson: '["cross"]' });
    const received = await receivedCount(page, 1);
    assert.deepEqual(received[0], { target: 'Notify', args: ['cross'] });
    assert.deepEqual(await inPage(page, () => window.hub.invoke('Echo', 'from afar')), 'from afar');
    const call = await backend.waitFor(
      (e) => e.type === 'invoke' && e.method === 'Echo' && e.context.connectionId === info.connectionId,
      { what: 'the cross-origin Echo' },
    );
    assert.deepEqual(call.args, ['from afar']);
    await inPage(page, () => window.hub.stop());

    // The same page from an origin that is not listed: the browser blocks the negotiate answer.
    const refusedPage = await openTestPage(other.url);
    pages.push(refusedPage);
    const outcome = await inPage(
      refusedPage,
      (url) =>
        window.hub.start({ url, transport: 'WebSockets', protocol: 'json' }).then(
          (i) => ({ connected: i.connectionId }),
          (err) => ({ error: String(err && err.message) }),
        ),
      hubUrl,
    );
    assert.ok(outcome.error, `an unlisted origin must not connect: ${JSON.stringify(outcome)}`);
    assert.match(outcome.error, /negotiat|fetch/i);
  } finally {
    await closePages();
    await stopCorsGw();
    await closeOther();
    await closeAllowed();
    await removePageDir();
  }
});

// ---------------------------------------------------------------------------------------------
// HTTPS: the page and the hub on a gateway with http.tls (a test certificate the browser is
// told to accept), every transport over https/wss.

test('https: the page over https connects over wss, SSE and Long Polling, receives and invokes', { skip, timeout: 40000 }, async () => {
  const { makeTestCertificates } = require('./lib/certificates');
  const pki = makeTestCertificates('hubgate-browser-tls-');
  const removePki = onCleanup(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  const tlsGw = await startGateway({
    name: 'tls-gateway',
    config: {
      http: { static_dir: staticDir, tls: { cert_file: pki.file('server.pem'), key_file: pki.file('server.key') } },
      hubs: [{ name: HUB, path: HUB_PATH, backend_target: backend.target }],
    },
  });
  const stopTlsGw = onCleanup(() => tlsGw.stop());
  const tlsBrowser = await launchBrowser({ ignoreHTTPSErrors: true });
  const closeBrowser = onCleanup(() => tlsBrowser.close());
  try {
    await waitForDescription(tlsGw, HUB);
    const origin = `https://127.0.0.1:${tlsGw.httpPort}`;
    for (const transport of ['WebSockets', 'ServerSentEvents', 'LongPolling']) {
      const page = await tlsBrowser.newPage();
      const response = await page.goto(`${origin}/`);
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).protocol, 'https:');
      await waitForPage(page, () => window.hubReady === true, undefined, 'the test page to load');
      const info = await inPage(page, (o) => window.hub.start(o), { transport, protocol: 'json', url: HUB_PATH });
      assert.equal(info.transport, transport);
      await tlsGw.grpcClient.send({
        hub: HUB,
        method: 'Notify',
        connectionId: info.connectionId,
        argumentsJson: `["over ${transport}"]`,
      });
      assert.deepEqual((await receivedCount(page, 1))[0], { target: 'Notify', args: [`over ${transport}`] });
      assert.equal(await inPage(page, () => window.hub.invoke('Echo', 'secure')), 'secure');
      if (transport === 'WebSockets') {
        assert.ok(
          (await inPage(page, () => window.hubLog)).some((l) => /wss:\/\//.test(l)),
          'the client used wss://',
        );
      }
      await inPage(page, () => window.hub.stop());
      await page.close();
    }
  } finally {
    await closeBrowser();
    await stopTlsGw();
    await removePki();
  }
});
