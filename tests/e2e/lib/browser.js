'use strict';
// Headless Chromium for the browser tests (browser.test.js), driven by playwright-core.
//
//   const browser = await launchBrowser();          // one per test file; close it in after()
//   const page = await browser.newPage();           // console output and page errors recorded
//   await page.goto(url);
//   await waitForPage(page, () => window.ready === true, undefined, 'the page to load');
//   await browser.close();
//
// The browser is Debian's chromium at /usr/bin/chromium (CI installs it with
// scripts/install-deps.sh; HUBGATE_CHROMIUM overrides the path). playwright-core does not
// download a browser. The tests skip, saying why, only when that executable is absent.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');

const CHROMIUM_PATH = process.env.HUBGATE_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const NODE_MODULES = path.resolve(__dirname, '..', 'node_modules');

/** The official browser bundles: global `signalR`, and `signalR.protocols.msgpack`. */
const BUNDLES = {
  'signalr.min.js': path.join(NODE_MODULES, '@microsoft', 'signalr', 'dist', 'browser', 'signalr.min.js'),
  'signalr-protocol-msgpack.min.js': path.join(
    NODE_MODULES,
    '@microsoft',
    'signalr-protocol-msgpack',
    'dist',
    'browser',
    'signalr-protocol-msgpack.min.js',
  ),
};

/** false when the browser can run, else the reason to skip (a string, for node:test's skip). */
function browserSkipReason() {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    return `Chromium not found at ${CHROMIUM_PATH}: install it (scripts/install-deps.sh, ` +
      'apt-get install chromium) or set HUBGATE_CHROMIUM';
  }
  return false;
}

/**
 * Launches headless Chromium with a fresh profile directory. Resolves with
 * {context, newPage(), close()}; close() also removes the profile.
 */
async function launchBrowser({ timeoutMs = 20000, ignoreHTTPSErrors = false } = {}) {
  // Loaded here so that a missing package fails the tests, not the import of a skipped file.
  const { chromium } = require('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: timeoutMs,
      viewport: { width: 1280, height: 800 },
      ignoreHTTPSErrors, // for pages served with the tests' own certificates
    });
  } catch (err) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  context.setDefaultTimeout(10000);
  const pages = new Set();
  let closing;
  return {
    context,
    /** A new tab; its console messages and errors are kept in page.consoleLog. */
    async newPage() {
      const page = await context.newPage();
      page.consoleLog = [];
      page.on('console', (msg) => page.consoleLog.push(`[${msg.type()}] ${msg.text()}`));
      page.on('pageerror', (err) => page.consoleLog.push(`[pageerror] ${err.message}`));
      page.on('requestfailed', (req) =>
        page.consoleLog.push(`[requestfailed] ${req.method()} ${req.url()}: ${req.failure()?.errorText}`),
      );
      pages.add(page);
      page.on('close', () => pages.delete(page));
      return page;
    },
    close() {
      if (!closing) {
        closing = (async () => {
          try {
            await context.close();
          } finally {
            fs.rmSync(userDataDir, { recursive: true, force: true });
          }
        })();
      }
      return closing;
    },
  };
}

/**
 * page.waitForFunction with an error that says what was awaited and what the page logged.
 * `fn` runs in the page; `arg` is passed to it.
 */
async function waitForPage(page, fn, arg, what, { timeoutMs = 10000 } = {}) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 'raf' });
    const value = await handle.jsonValue();
    await handle.dispose();
    return value;
  } catch (err) {
    throw withPageLog(page, err, `waiting for ${what}`);
  }
}

/** Adds the page's console log (tail) to an error. */
function withPageLog(page, err, what = '') {
  const log = (page.consoleLog || []).slice(-40).join('\n');
  const error = err instanceof Error ? err : new Error(String(err));
  try {
    error.message = `${what ? `${what}: ` : ''}${error.message}\n--- page console ---\n${log}`;
  } catch {
    // read-only message
  }
  return error;
}

/**
 * Copies files into a new temporary directory: `files` maps a relative destination path to a
 * source path. Resolves with the directory (remove it with fs.rmSync when done).
 */
function makeStaticDir(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-static-'));
  for (const [dest, src] of Object.entries(files)) {
    const full = path.join(dir, dest);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.copyFileSync(src, full);
  }
  return dir;
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css',
  '.json': 'application/json',
};

/**
 * A static file server for `dir` on 127.0.0.1, port 0: another origin than the gateway's.
 * Resolves with {url, origin, close()}.
 */
function serveDirectory(dir) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.resolve(root, `.${urlPath}`);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    if (urlPath.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[path.extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      res.end(data);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      const origin = `http://127.0.0.1:${port}`;
      resolve({
        url: `${origin}/`,
        origin,
        port,
        close: () =>
          new Promise((res) => {
            server.closeAllConnections?.();
            server.close(() => res());
          }),
      });
    });
  });
}

module.exports = {
  CHROMIUM_PATH,
  BUNDLES,
  browserSkipReason,
  launchBrowser,
  waitForPage,
  withPageLog,
  makeStaticDir,
  serveDirectory,
};
