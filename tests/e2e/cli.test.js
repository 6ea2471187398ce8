'use strict';
// hubgate-cli against a real gateway: send, add-to-group, remove-from-group, exit codes.

const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const net = require('node:net');
const { before, after } = require('node:test');
const { startGateway, test, CLI_BIN } = require('./lib/gateway');
const { connect, waitFor, collect, stopAll } = require('./lib/clients');

let gw;
let conn;
let log;
let fenceSeq = 0;

/** Runs the CLI; resolves with {code, stdout, stderr} (never rejects on a non-zero exit). */
function cli(args, { timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(CLI_BIN, args, { timeout: timeoutMs, env: { PATH: process.env.PATH } }, (err, stdout, stderr) => {
      if (err && err.code === 'ENOENT') {
        reject(new Error(`CLI binary not found at ${CLI_BIN} (build it or set HUBGATE_CLI_BIN)`));
        return;
      }
      if (err && err.killed) {
        reject(new Error(`CLI timed out: ${args.join(' ')}\n${stderr}`));
        return;
      }
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

const server = () => `--server=${gw.grpcTarget}`;

before(async () => {
  gw = await startGateway({ workers: 2 });
  conn = await connect(gw.hubUrl('/hubs/posts'));
  log = collect(conn, ['PostUpdated', 'Fence']);
});

after(async () => {
  await stopAll([conn]);
  if (gw) await gw.stop();
});

/** PostUpdated calls that arrived since the last fence (a later message proves absence). */
async function drain() {
  const fence = `f${++fenceSeq}`;
  await gw.grpcClient.send({
    hub: 'posts',
    method: 'Fence',
    argumentsJson: JSON.stringify([fence]),
    connectionId: conn.connectionId,
  });
  const events = await log.waitUntil(
    (evs) => evs.some((e) => e.method === 'Fence' && e.args[0] === fence),
    5000,
    fence,
  );
  const end = events.findIndex((e) => e.method === 'Fence' && e.args[0] === fence);
  let start = end - 1;
  while (start >= 0 && events[start].method !== 'Fence') start -= 1;
  return events.slice(start + 1, end).filter((e) => e.method === 'PostUpdated').map((e) => e.args);
}

test('send to a group nobody is in: exit 0, queued for 0', async () => {
  const r = await cli(['send', server(), '--hub', 'posts', '--group', 'post-42', '--target', 'PostUpdated', '--json', '{"id":42}']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /queued for 0 connection\(s\)/);
  assert.deepEqual(await drain(), []);
});

test('add-to-group via the CLI, then send to the group: the client receives it', async () => {
  const add = await cli(['add-to-group', server(), '--hub', 'posts', '--connection', conn.connectionId, '--group', 'post-42']);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /connection found: yes/);

  const got = waitFor(conn, 'PostUpdated');
  const r = await cli(['send', server(), '--hub', 'posts', '--group', 'post-42', '--target', 'PostUpdated', '--json', '{"id":42}']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /queued for 1 connection\(s\)/);
  assert.deepEqual(await got, [{ id: 42 }]);
  assert.deepEqual(await drain(), [[{ id: 42 }]]);
});

test('--json with an array is the argument list; --method works like --target; --all', async () => {
  const r = await cli([
    'send',
    server(),
    '--hub=posts',
    '--method=PostUpdated',
    '--all',
    '--json=[1,"two",{"three":3}]',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /queued for 1 connection\(s\)/);
  assert.deepEqual(await drain(), [[1, 'two', { three: 3 }]]);
});

test('send to the connection id, and without --json (no arguments)', async () => {
  const r = await cli(['send', server(), '--hub', 'posts', '--connection', conn.connectionId, '--target', 'PostUpdated']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await drain(), [[]]);
});

test('remove-from-group via the CLI: later group sends do not arrive', async () => {
  const rm = await cli(['remove-from-group', server(), '--hub', 'posts', '--connection', conn.connectionId, '--group', 'post-42']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(rm.stdout, /connection found: yes/);
  const r = await cli(['send', server(), '--hub', 'posts', '--group', 'post-42', '--target', 'PostUpdated', '--json', '{"id":43}']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /queued for 0 connection\(s\)/);
  assert.deepEqual(await drain(), []);
});

test('add-to-group of an unknown connection: exit 0, connection found: no', async () => {
  const r = await cli(['add-to-group', server(), '--hub', 'posts', '--connection', 'nobody', '--group', 'g']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /connection found: no/);
});

test('invalid usage exits with 2 and prints usage', async () => {
  const cases = [
    [],
    ['frobnicate', server(), '--hub', 'posts'],
    ['send', server(), '--hub', 'posts', '--target', 'M'], // no audience
    ['send', server(), '--hub', 'posts', '--target', 'M', '--all', '--group', 'g'], // two audiences
    ['send', server(), '--target', 'M', '--all'], // no hub
    ['send', server(), '--hub', 'posts', '--all'], // no method
    ['send', server(), '--hub', 'posts', '--target', 'M', '--all', '--no-such-flag=1'],
    ['add-to-group', server(), '--hub', 'posts', '--group', 'g'], // no connection
    ['send', server(), '--hub', 'posts', '--target', 'M', '--user', 'u', '--except', 'x'],
  ];
  for (const args of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, `args ${JSON.stringify(args)}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, /usage:/, `args ${JSON.stringify(args)}`);
  }
  assert.deepEqual(await drain(), []);
});

test('a failing call exits with 1: unknown hub (NOT_FOUND), bad JSON (INVALID_ARGUMENT)', async () => {
  const nf = await cli(['send', server(), '--hub', 'nope', '--target', 'M', '--all']);
  assert.equal(nf.code, 1, nf.stderr);
  assert.match(nf.stderr, /^error: NOT_FOUND: .*nope/m);
  const bad = await cli(['send', server(), '--hub', 'posts', '--target', 'M', '--all', '--json', '{"id":']);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /^error: INVALID_ARGUMENT: arguments_json/m);
});

test('an unreachable server exits with 1', async () => {
  // A port that was free a moment ago: nothing listens there.
  const port = await new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
  const r = await cli(['send', `--server=127.0.0.1:${port}`, '--timeout=2s', '--hub', 'posts', '--target', 'M', '--all']);
  assert.equal(r.code, 1, `exit ${r.code}\n${r.stderr}`);
  assert.match(r.stderr, /^error: (UNAVAILABLE|DEADLINE_EXCEEDED)/m);
});
