'use strict';
// The container image recipe (docker/): dockerfile-utils lint, the stages and their packages
// (kept in sync with scripts/install-deps.sh and with what the binaries load), the runtime
// settings, the default configuration, .dockerignore, and the health check script itself run
// against a local HTTP server. No Docker daemon is needed.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { test } = require('node:test');
const yaml = require('js-yaml');
const { ROOT, HUBGATE_BIN, run, checkConfig, olderBinaryReason } = require('./lib/common');
const { parseDockerfile, aptInstalls } = require('./lib/dockerfile');

const DOCKERFILE = path.join(ROOT, 'docker/Dockerfile');
const stages = parseDockerfile(DOCKERFILE);
const build = stages.find((s) => s.name === 'build');
const runtime = stages[stages.length - 1];
const of = (stage, keyword) => stage.instructions.filter((i) => i.keyword === keyword);

/** APT_PACKAGES=( ... ) of scripts/install-deps.sh. */
function installDepsPackages() {
  const text = fs.readFileSync(path.join(ROOT, 'scripts/install-deps.sh'), 'utf8');
  const m = /^APT_PACKAGES=\(([\s\S]*?)^\)/m.exec(text);
  assert.ok(m, 'APT_PACKAGES=( ... ) in scripts/install-deps.sh');
  return m[1].split('\n').map((l) => l.replace(/#.*/, '')).join(' ').split(/\s+/).filter(Boolean);
}

test('dockerfile-utils lint docker/Dockerfile exits 0 with no finding', async () => {
  const bin = require.resolve('dockerfile-utils/bin/dockerfile-utils');
  const r = await run(process.execPath, [bin, 'lint', DOCKERFILE]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.trim(), '', r.stdout);
});

test('two stages: debian:12 build, debian:12-slim runtime', () => {
  assert.deepEqual(stages.map((s) => [s.from, s.name]),
    [['debian:12', 'build'], ['debian:12-slim', 'runtime']]);
  const buildRuns = of(build, 'RUN').map((i) => i.args).join('\n');
  assert.match(buildRuns, /cmake --preset release -DBUILD_TESTING=OFF/);
  assert.match(buildRuns, /--target hubgate hubgate-cli/);
  const copiedFromBuild = of(runtime, 'COPY').filter((i) => i.args.startsWith('--from=build'));
  assert.equal(copiedFromBuild.length, 1);
  assert.match(copiedFromBuild[0].args, /hubgate hubgate-cli|\/out\/hubgate \/out\/hubgate-cli/);
});

test('every build-stage apt package is in APT_PACKAGES of scripts/install-deps.sh', () => {
  const wanted = aptInstalls(build);
  assert.ok(wanted.includes('g++') && wanted.includes('libgrpc++-dev'), wanted.join(' '));
  const known = new Set(installDepsPackages());
  const missing = wanted.filter((p) => !known.has(p));
  assert.deepEqual(missing, [], 'add them to install-deps.sh, or drop them from the Dockerfile');
  for (const testOnly of ['nodejs', 'npm', 'chromium', 'redis-server', 'libgtest-dev']) {
    assert.ok(!wanted.includes(testOnly), `${testOnly} is for the tests only`);
  }
});

test('the runtime stage installs the packages of every library the binaries load', async (t) => {
  const cli = path.join(path.dirname(path.dirname(HUBGATE_BIN)), 'cli/hubgate-cli');
  if (!fs.existsSync(HUBGATE_BIN)) {
    t.skip(`no ${HUBGATE_BIN} (build the release preset)`);
    return;
  }
  const libraries = new Set();
  for (const bin of [HUBGATE_BIN, cli].filter((f) => fs.existsSync(f))) {
    const ldd = await run('ldd', [bin]);
    assert.equal(ldd.code, 0, ldd.stderr);
    assert.doesNotMatch(ldd.stdout, /not found/);
    for (const m of ldd.stdout.matchAll(/=> (\/\S+)/g)) libraries.add(m[1]);
  }
  // One dpkg -S for all: with merged /usr, dpkg knows a file by its ldd path, its real path or
  // the /lib form of the real path.
  const candidates = new Map([...libraries].map((l) => [l, [...new Set([l, fs.realpathSync(l),
    fs.realpathSync(l).replace(/^\/usr\/lib\//, '/lib/')])]]));
  const search = await run('dpkg', ['-S', ...new Set([...candidates.values()].flat())]);
  const ownerOf = new Map();
  for (const line of search.stdout.split('\n')) {
    const m = /^(.+?): (\/\S+)$/.exec(line);
    if (m) ownerOf.set(m[2], m[1].split(', ')[0].replace(/:[a-z0-9]+$/, ''));
  }
  const owners = new Set();
  for (const [lib, paths] of candidates) {
    const found = paths.map((p) => ownerOf.get(p)).find(Boolean);
    assert.ok(found, `no package owns ${lib}`);
    owners.add(found);
  }
  const installed = new Set(aptInstalls(runtime));
  const inBase = new Set(['libc6', 'libgcc-s1', 'libstdc++6']);  // in debian:12-slim already
  const missing = [...owners].filter((p) => !installed.has(p) && !inBase.has(p)).sort();
  assert.deepEqual(missing, [], 'add these to the runtime stage of docker/Dockerfile');
  assert.ok(installed.has('libprometheus-cpp-core1.0'));
  for (const p of installed) assert.doesNotMatch(p, /-dev$/, 'no -dev packages at run time');
});

test('runtime: non-root user 10001, ports, health check, stop signal, entrypoint', () => {
  const users = of(runtime, 'USER');
  assert.equal(users.length, 1);
  assert.match(users[0].args, /^10001(:10001)?$/, 'a numeric uid, so runAsNonRoot can verify it');
  const userLine = users[0].line;
  assert.ok(of(runtime, 'RUN').every((i) => i.line < userLine), 'nothing runs as root after USER');
  const exposed = of(runtime, 'EXPOSE').flatMap((i) => i.args.split(' ')).map((p) => p.replace(/\/tcp$/, ''));
  assert.deepEqual(exposed.sort(), ['50051', '8080', '9090']);
  const health = of(runtime, 'HEALTHCHECK');
  assert.equal(health.length, 1);
  const cmd = /CMD (\[.*\])$/.exec(health[0].args);
  assert.ok(cmd, health[0].args);
  assert.deepEqual(JSON.parse(cmd[1]), ['/usr/local/bin/hubgate-healthcheck']);
  assert.ok(of(runtime, 'COPY').some((i) => i.args === 'docker/healthcheck.sh /usr/local/bin/hubgate-healthcheck'));
  assert.deepEqual(of(runtime, 'STOPSIGNAL').map((i) => i.args), ['SIGTERM']);
  assert.deepEqual(of(runtime, 'ENTRYPOINT').map((i) => JSON.parse(i.args)), [['/usr/local/bin/hubgate']]);
  assert.deepEqual(of(runtime, 'CMD').map((i) => JSON.parse(i.args)), [['--config=/etc/hubgate/hubgate.yaml']]);
  assert.ok(of(runtime, 'WORKDIR').length === 1);
  const copies = of(runtime, 'COPY').map((i) => i.args);
  assert.ok(copies.includes('docker/hubgate.yaml /etc/hubgate/hubgate.yaml'), copies.join('\n'));
  assert.ok(copies.some((c) => c.startsWith('demo/ ')), 'the demo page is in the image');
  const fileMode = fs.statSync(path.join(ROOT, 'docker/healthcheck.sh')).mode;
  assert.ok(fileMode & 0o111, 'docker/healthcheck.sh is executable (COPY keeps the mode)');
});

test('.dockerignore keeps build output, node_modules and .git out, and no COPY source', () => {
  const patterns = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n')
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const p of ['build', '.git', '**/node_modules']) assert.ok(patterns.includes(p), p);
  const ignored = (rel) => patterns.some((p) => !p.startsWith('!') &&
    (rel === p || rel.startsWith(`${p}/`) || (p.startsWith('**/') && rel.split('/').includes(p.slice(3)))));
  const sources = stages.flatMap((s) => s.instructions)
    .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
    .flatMap((i) => i.args.split(' ').slice(0, -1))
    .filter((src) => src !== '.');
  assert.ok(sources.length >= 3);
  for (const src of sources) {
    const rel = src.replace(/\/$/, '');
    assert.ok(fs.existsSync(path.join(ROOT, rel)), `${src} exists`);
    assert.ok(!ignored(rel), `${src} is not excluded by .dockerignore`);
  }
  // The build needs the CMake tree: every add_subdirectory of the top level stays in the context.
  const cmake = fs.readFileSync(path.join(ROOT, 'CMakeLists.txt'), 'utf8');
  for (const m of cmake.matchAll(/add_subdirectory\((\w+)\)/g)) {
    if (m[1] === 'tests') continue;  // BUILD_TESTING=OFF in the image
    assert.ok(!ignored(m[1]), `${m[1]}/ is in the build context`);
  }
});

test('docker/hubgate.yaml: listens on 0.0.0.0, admin on 0.0.0.0:9090 (the health check port)', () => {
  const cfg = yaml.load(fs.readFileSync(path.join(ROOT, 'docker/hubgate.yaml'), 'utf8'));
  assert.equal(cfg.http.listen, '0.0.0.0:8080');
  assert.equal(cfg.grpc.listen, '0.0.0.0:50051');
  assert.equal(cfg.admin.listen, '0.0.0.0:9090');
  assert.match(cfg.shutdown.drain_window, /^\d+s$/);
  assert.match(cfg.shutdown.deadline, /^\d+s$/);
  assert.ok(parseInt(cfg.shutdown.drain_window, 10) < parseInt(cfg.shutdown.deadline, 10));
  const script = fs.readFileSync(path.join(ROOT, 'docker/healthcheck.sh'), 'utf8');
  assert.match(script, /HUBGATE_HEALTHCHECK_ADDR:-127\.0\.0\.1:9090/);
});

test('hubgate --check_config accepts docker/hubgate.yaml', async (t) => {
  const text = fs.readFileSync(path.join(ROOT, 'docker/hubgate.yaml'), 'utf8');
  const result = await checkConfig(text);
  if (result === null) {
    t.skip('no hubgate binary (build the release preset or set HUBGATE_BIN)');
    return;
  }
  const older = result.code !== 0 && olderBinaryReason(result);
  if (older) {
    t.skip(older);
    return;
  }
  assert.equal(result.code, 0, result.stdout + result.stderr);
});

test('docker/healthcheck.sh: healthy on 200, unhealthy on 503 or a closed port', async () => {
  let status = 200;
  const paths = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url);
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(status === 200 ? 'ok\n' : 'draining\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = `127.0.0.1:${server.address().port}`;
  const script = path.join(ROOT, 'docker/healthcheck.sh');
  const check = (env) => run('bash', [script], { env: { HUBGATE_HEALTHCHECK_ADDR: addr, ...env }, timeoutMs: 10000 });
  try {
    const ok = await check({});
    assert.equal(ok.code, 0, ok.stderr);
    status = 503;
    const bad = await check({ HUBGATE_HEALTHCHECK_PATH: '/readyz' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /\/readyz on .* answered: HTTP\/1\.1 503/);
    assert.deepEqual(paths, ['/healthz', '/readyz']);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const closed = await check({});
  assert.notEqual(closed.code, 0, 'nothing listens any more');
});
