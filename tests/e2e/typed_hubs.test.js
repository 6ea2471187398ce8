'use strict';
// Strongly typed hubs (docs/typed-hubs.md) through the real gateway: the `roundtrip` backend
// (examples/typed, written on the C++ protoc-gen-hubgate generates) and the official client,
// raw and through the generated TypeScript wrapper, on the matrix transport and protocol.
// Every value kind must come back as the contract declares it.

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { before, after } = require('node:test');
const { startGateway, test, trackProcess, REPO_ROOT } = require('./lib/gateway');
const { connect, stopAll, withTimeout, errorOf, matrix, signalR } = require('./lib/clients');
const { freePort, waitForDescription, waitForHubHandler } = require('./lib/hub_handler');

const BUILD = path.join(REPO_ROOT, 'build', 'release');
const BACKEND_BIN =
  process.env.HUBGATE_ROUNDTRIP_BACKEND_BIN ||
  path.join(BUILD, 'examples', 'typed', 'roundtrip-backend');
const GENERATED_TS = path.join(BUILD, 'examples', 'typed', 'gen', 'roundtrip.hubgate.ts');
const TS_DIR = path.join(REPO_ROOT, 'tests', 'cli', 'protoc_gen_hubgate', 'ts');

let gw;
let backend;
let typed; // the compiled generated module
let typedDir; // where it was compiled
const connections = [];

/** Compiles the generated TypeScript with tsc (CommonJS) and loads it. */
function loadGeneratedWrapper() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-typed-'));
  typedDir = work;
  fs.copyFileSync(GENERATED_TS, path.join(work, 'roundtrip.hubgate.ts'));
  fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, target: 'ES2020', module: 'commonjs', lib: ['ES2020', 'DOM'],
      skipLibCheck: true, outDir: 'js', baseUrl: '.',
      paths: { '@microsoft/signalr': [path.join(TS_DIR, 'node_modules', '@microsoft', 'signalr')] },
    },
    files: ['roundtrip.hubgate.ts'],
  }));
  execFileSync(path.join(TS_DIR, 'node_modules', '.bin', 'tsc'), ['-p', work]);
  return require(path.join(work, 'js', 'roundtrip.hubgate.js'));
}

async function startBackend(gatewayTarget) {
  if (!fs.existsSync(BACKEND_BIN)) throw new Error(`roundtrip-backend not found at ${BACKEND_BIN}`);
  const child = spawn(BACKEND_BIN, ['--listen=127.0.0.1:0', `--gateway=${gatewayTarget}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry = { name: 'roundtrip-backend', process: child, output: '', exitCode: undefined };
  trackProcess(entry);
  const exited = new Promise((resolve) => child.on('exit', (code) => {
    entry.exitCode = code;
    resolve(code);
  }));
  const port = await withTimeout(new Promise((resolve, reject) => {
    const onData = (chunk) => {
      entry.output += chunk.toString('utf8');
      const m = /roundtrip-backend ready: grpc=(\d+)/.exec(entry.output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => reject(new Error(`roundtrip-backend exited (${code}):\n${entry.output}`)));
  }), 15000, 'roundtrip-backend ready line');
  entry.target = `127.0.0.1:${port}`;
  await waitForHubHandler(entry.target, { hub: 'roundtrip' });
  entry.stop = async () => {
    if (entry.exitCode === undefined) child.kill('SIGTERM');
    await withTimeout(exited, 10000, 'roundtrip-backend exit');
  };
  return entry;
}

before(async () => {
  typed = loadGeneratedWrapper();
  const grpcPort = await freePort();
  backend = await startBackend(`127.0.0.1:${grpcPort}`);
  gw = await startGateway({
    grpcListen: `127.0.0.1:${grpcPort}`,
    config: {
      hubs: [{
        name: 'roundtrip',
        path: '/hubs/roundtrip',
        backend_target: backend.target,
        backend_deadline: '5s',
        detailed_errors: true,
        // AskCaller awaits a client result from its own caller while it runs.
        max_parallel_invocations: 2,
      }],
    },
  });
  await waitForDescription(gw, 'roundtrip');
});

after(async () => {
  await stopAll(connections);
  if (gw) await gw.stop();
  if (backend) await backend.stop();
  if (typedDir) fs.rmSync(typedDir, { recursive: true, force: true });
});

async function typedHub() {
  const connection = await connect(gw.hubUrl(typed.RoundtripHubConnection.path));
  connections.push(connection);
  return new typed.RoundtripHubConnection(connection, matrix.protocol);
}

const at = new Date('2024-05-01T12:00:00.500Z');
function sample() {
  return {
    big: -(2 ** 53 - 1), huge: 2 ** 53 - 1, small: -2147483648, precise: 0.1, flag: true,
    text: 'héllo ✓', blob: new Uint8Array([0, 1, 254, 255]), at,
    priority: typed.Priority.Stat, vitals: { temperature: 37.2, pulse: 88 }, maybe: null,
    note: 'n', history: [{ temperature: 36.6, pulse: 60 }], counters: { beds: 12, max: 2 ** 40 },
    tags: ['a', 'b'],
  };
}

test('every value kind round-trips through the backend as the declared type', async () => {
  const hub = await typedHub();
  const echoed = await hub.invoke.Echo(sample());
  assert.deepEqual(echoed, sample());
  assert.ok(echoed.at instanceof Date);
  assert.ok(echoed.blob instanceof Uint8Array);
});

test('nulls and defaults: null nullables stay null, a null DTO is null', async () => {
  const hub = await typedHub();
  const value = { ...sample(), maybe: 0, note: null, vitals: null, history: [], counters: {} };
  assert.deepEqual(await hub.invoke.Echo(value), value);
});

test('positional parameters reach the backend exactly', async () => {
  const hub = await typedHub();
  const text = await hub.invoke.Render(2 ** 53 - 1, at, new Uint8Array([0, 255]), null,
                                       typed.Priority.Stat, [1, -2], { b: '2', a: '1' });
  assert.equal(text, 'id=9007199254740991 at=1714564800.500000000 blob=00ff maybe=null ' +
                     'priority=PRIORITY_STAT ids=1,-2 labels=a=1,b=2');
  assert.equal(await hub.invoke.Render(-(2 ** 53 - 1), new Date(0), new Uint8Array(), 7,
                                       typed.Priority.Unspecified, [], {}),
               'id=-9007199254740991 at=0.0 blob= maybe=7 priority=PRIORITY_UNSPECIFIED ids= ' +
               'labels=');
});

test('a push through the generated client proxy arrives as the declared type', async () => {
  const hub = await typedHub();
  const received = new Promise((resolve) => hub.on.Received(resolve));
  await hub.invoke.PushBack(sample());
  assert.deepEqual(await withTimeout(received, 5000, 'Received'), sample());
});

test('stream items arrive as the declared type', async () => {
  const hub = await typedHub();
  const items = await withTimeout(new Promise((resolve, reject) => {
    const got = [];
    hub.stream.Count(3).subscribe({ next: (v) => got.push(v), error: reject,
                                    complete: () => resolve(got) });
  }), 5000, 'Count stream');
  assert.deepEqual(items.map((v) => v.pulse), [60, 61, 62]);
});

test('an upload stream reaches the typed StreamReader', async () => {
  const hub = await typedHub();
  const vitals = new signalR.Subject();
  const collected = hub.invoke.Collect('ward 4B', vitals);
  for (const pulse of [61, 62, 63]) vitals.next({ temperature: 37, pulse });
  vitals.complete();
  assert.equal(await withTimeout(collected, 5000, 'Collect'), 'ward 4B: 61,62,63');
});

test('a client result goes through the typed handler and proxy', async () => {
  const hub = await typedHub();
  hub.handle.Confirm((question) => ({ yes: question.text === 'proceed?', reason: 'typed' }));
  assert.deepEqual(await hub.invoke.AskCaller({ text: 'proceed?' }),
                   { yes: true, reason: 'typed' });
});

test('the raw wire forms are those of docs/typed-hubs.md', async () => {
  const connection = await connect(gw.hubUrl('/hubs/roundtrip'));
  connections.push(connection);
  const raw = await connection.invoke('Echo', {
    big: 5, blob: matrix.protocol === 'json' ? 'AAE=' : new Uint8Array([0, 1]),
    at: at, priority: 2, note: null,
  });
  if (matrix.protocol === 'json') {
    assert.equal(raw.blob, 'AAE=');  // byte[]: base64
    assert.equal(raw.at, '2024-05-01T12:00:00.5Z');  // DateTime: ISO-8601
  } else {
    assert.deepEqual(raw.blob, new Uint8Array([0, 1]));  // bin
    assert.equal(raw.at.getTime(), at.getTime());  // ext -1
  }
  assert.equal(raw.priority, 2);  // enums: numbers (MessagePack too, until the gateway re-encodes)
  assert.equal(raw.note, null);
  assert.equal(raw.big, 5);
  assert.deepEqual(raw.history, []);
});

test('arguments that do not fit get ASP.NET binding errors', async () => {
  const connection = await connect(gw.hubUrl('/hubs/roundtrip'));
  connections.push(connection);
  const prefix = "An unexpected error occurred invoking 'Render' on the server.";
  assert.equal(await errorOf(connection.invoke('Render', 1)),
               `${prefix} InvalidDataException: Invocation provides 1 argument(s) but target ` +
               'expects 7.');
  assert.equal(await errorOf(connection.invoke('Render', 'one', at, null, null, 0, [], {})),
               `${prefix} InvalidDataException: Error binding arguments. Make sure that the ` +
               'types of the provided values match the types of the hub method being invoked.');
});
