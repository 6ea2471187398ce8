'use strict';
// Starts the example backends (examples/posts, examples/clinical) as processes.
//
//   const grpcPort = await freePort();                        // the gateway's Push API port
//   const backend = await startExampleBackend('posts', { gateway: `127.0.0.1:${grpcPort}` });
//   const gw = await startGateway({ grpcListen: `127.0.0.1:${grpcPort}`, config: { hubs: [
//     { name: 'posts', path: '/hubs/posts', backend_target: backend.target }] } });
//   await fetch(`${backend.httpUrl}/api/posts/42/publish`, ...);
//   await backend.stop();
//
// The backend listens on port 0 for gRPC and HTTP; the ports come from its "ready:" log line,
// and readiness is confirmed by a Describe call. Its output is kept for failing tests' logs.

const { spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');
const { trackProcess, REPO_ROOT } = require('./gateway');
const { waitForHubHandler } = require('./hub_handler');
const { withTimeout } = require('./clients');

const BINARIES = {
  posts:
    process.env.HUBGATE_POSTS_BACKEND_BIN ||
    path.join(REPO_ROOT, 'build', 'release', 'examples', 'posts', 'posts-backend'),
  clinical:
    process.env.HUBGATE_CLINICAL_BACKEND_BIN ||
    path.join(REPO_ROOT, 'build', 'release', 'examples', 'clinical', 'clinical-backend'),
};

const READY_RE = /backend ready: grpc=(\d+) http=(\d+)/;
const READY_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 10000;

/**
 * Starts `posts-backend` or `clinical-backend`. options: gateway (the Push API target),
 * extraArgs. Resolves with {target, grpcPort, httpUrl, stop(), output, exited}.
 */
async function startExampleBackend(kind, { gateway, extraArgs = [] } = {}) {
  const bin = BINARIES[kind];
  if (!bin) throw new Error(`unknown example backend ${kind}`);
  if (!fs.existsSync(bin)) throw new Error(`${kind} backend binary not found at ${bin}`);
  const args = [
    '--listen=127.0.0.1:0',
    '--http_listen=127.0.0.1:0',
    `--gateway=${gateway}`,
    ...extraArgs,
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const backend = {
    name: `${kind}-backend`,
    process: child,
    output: '',
    exitCode: undefined,
  };
  trackProcess(backend);
  backend.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      backend.exitCode = code;
      backend.exitSignal = signal;
      resolve({ code, signal });
    });
  });
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      backend.output += chunk.toString('utf8');
      const m = READY_RE.exec(backend.output);
      if (m) resolve({ grpc: Number(m[1]), http: Number(m[2]) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    backend.exited.then(({ code, signal }) =>
      reject(new Error(`${kind} backend exited (code ${code}, signal ${signal}):\n${backend.output}`)),
    );
  });
  let ports;
  try {
    ports = await withTimeout(ready, READY_TIMEOUT_MS, `${kind} backend ready line`);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  backend.grpcPort = ports.grpc;
  backend.target = `127.0.0.1:${ports.grpc}`;
  backend.httpUrl = `http://127.0.0.1:${ports.http}`;
  // The log line comes after the server started; a Describe proves the server answers.
  backend.description = await waitForHubHandler(backend.target, { hub: kind });

  let stopping;
  backend.stop = () => {
    if (!stopping) {
      stopping = (async () => {
        if (backend.exitCode === undefined) {
          child.kill('SIGTERM');
          try {
            await withTimeout(backend.exited, STOP_TIMEOUT_MS, `${kind} backend exit`);
          } catch (err) {
            child.kill('SIGKILL');
            await backend.exited;
            throw err;
          }
        }
        return backend.exitCode;
      })();
    }
    return stopping;
  };
  return backend;
}

/** fetch with JSON in and out; resolves with {status, body}. */
async function httpJson(url, { method = 'GET', body } = {}) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const response = await withTimeout(fetch(url, init), 5000, `${method} ${url}`);
  const text = await response.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body: parsed };
}

module.exports = { startExampleBackend, httpJson, BINARIES };
