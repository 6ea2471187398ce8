'use strict';
// nginx (Debian's) as the load balancer of the scale-out tests: plain round robin, no affinity,
// in front of the replicas' HTTP listeners and of their gRPC Push API listeners.
//
//   const lb = await startNginx({ http: ['127.0.0.1:P1', ...], grpc: ['127.0.0.1:G1', ...] });
//   lb.httpUrl, lb.grpcTarget; lb.accessLog() -> [{method, uri, status, upstream}]
//   await lb.stop();
//
// nginx runs in the foreground as a child of the test (daemon off, master_process off), with
// its configuration, logs, pid and temp files in a temporary directory. Every answer carries
// `X-Upstream` (the replica that answered), and the access log says the same per request.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { trackProcess } = require('./gateway');
const { freePort } = require('./hub_handler');
const { withTimeout } = require('./clients');

const NGINX_BIN = process.env.HUBGATE_NGINX || '/usr/sbin/nginx';
// Logged once the listening sockets are open (ngx_os_status, after the configuration cycle).
const READY_RE = /getrlimit\(RLIMIT_NOFILE\)/;
const PORT_TAKEN_RE = /bind\(\) to .* failed \(98: Address already in use\)/;
const START_TIMEOUT_MS = 10000;
const STOP_TIMEOUT_MS = 10000;
const ACCESS_SEPARATOR = '\t';

/**
 * The nginx configuration. Upstream failures: a refused connection moves the request to the
 * next replica (nginx's default proxy_next_upstream / grpc_next_upstream), and a failed replica
 * is tried again after one second, so a restarted replica gets traffic again soon.
 */
function nginxConfig({ dir, httpPort, grpcPort, http, grpc }) {
  const servers = (addresses) =>
    addresses.map((a) => `    server ${a} max_fails=1 fail_timeout=1s;`).join('\n');
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr notice;
events { worker_connections 4096; }
http {
  log_format upstreams '$request_method${ACCESS_SEPARATOR}$uri${ACCESS_SEPARATOR}$status` +
    `${ACCESS_SEPARATOR}$upstream_addr';
  access_log ${dir}/access.log upstreams;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 16m;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
  }
  upstream hubgate_http {
${servers(http)}
  }
  upstream hubgate_grpc {
${servers(grpc)}
  }

  server {
    listen 127.0.0.1:${httpPort};
    location / {
      proxy_pass http://hubgate_http;
      proxy_http_version 1.1;
      # WebSocket upgrades.
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $http_host;
      # Server-Sent Events and long polls: no buffering, long reads.
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_cache off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      add_header X-Upstream $upstream_addr always;
    }
  }

  server {
    listen 127.0.0.1:${grpcPort} http2;
    location / {
      grpc_pass grpc://hubgate_grpc;
      grpc_connect_timeout 2s;
      grpc_read_timeout 1h;
      grpc_send_timeout 1h;
    }
  }
}
`;
}

/**
 * Starts nginx balancing `http` (host:port list) and `grpc` (host:port list); resolves once it
 * listens. Its own ports are free ones, or `httpPort` / `grpcPort` when given (e.g. a backend
 * started first was told the gRPC address).
 */
async function startNginx({
  http, grpc, name = 'nginx', httpPort: fixedHttp, grpcPort: fixedGrpc,
}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-e2e-nginx-'));
  for (let attempt = 0; ; attempt += 1) {
    let httpPort = fixedHttp;
    while (httpPort === undefined || httpPort === fixedGrpc) httpPort = await freePort();
    let grpcPort = fixedGrpc;
    while (grpcPort === undefined || grpcPort === httpPort) grpcPort = await freePort();
    try {
      return await spawnNginx({ dir, name, httpPort, grpcPort, http, grpc });
    } catch (err) {
      // Another process took a free port first: try fresh ones (not for a port given).
      if (!err.portTaken || attempt >= 2 || fixedHttp !== undefined || fixedGrpc !== undefined) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

async function spawnNginx({ dir, name, httpPort, grpcPort, http, grpc }) {
  const configFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(configFile, nginxConfig({ dir, httpPort, grpcPort, http, grpc }));
  const accessLogFile = path.join(dir, 'access.log');
  fs.rmSync(accessLogFile, { force: true });
  const child = spawn(NGINX_BIN, ['-p', dir, '-c', configFile, '-e', 'stderr'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entry = {
    name: `${name} (http ${httpPort}, grpc ${grpcPort})`,
    process: child,
    output: '',
    exitCode: undefined,
  };
  trackProcess(entry);
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      entry.exitCode = code;
      resolve({ code, signal });
    });
  });
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      entry.output += chunk.toString('utf8');
      if (READY_RE.test(entry.output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    exited.then(({ code, signal }) => {
      const err = new Error(
        `${entry.name} exited before it was ready (code ${code}, signal ${signal}):\n` +
          entry.output,
      );
      err.portTaken = PORT_TAKEN_RE.test(entry.output);
      reject(err);
    });
  });
  try {
    await withTimeout(ready, START_TIMEOUT_MS, `${entry.name} ready`);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }

  let stopping;
  return {
    name,
    process: child,
    httpPort,
    grpcPort,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    wsUrl: `ws://127.0.0.1:${httpPort}`,
    grpcTarget: `127.0.0.1:${grpcPort}`,
    hubUrl: (hubPath) => `http://127.0.0.1:${httpPort}${hubPath}`,
    logs: () => entry.output,
    /**
     * Every request nginx has logged so far: {method, uri, status, upstream} (upstream is the
     * replica's host:port, or several, comma-separated, when nginx moved on after a failure).
     * nginx writes the line when the request ends (a WebSocket: when it closes).
     */
    accessLog() {
      if (!fs.existsSync(accessLogFile)) return [];
      return fs
        .readFileSync(accessLogFile, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => {
          const [method, uri, status, upstream] = l.split(ACCESS_SEPARATOR);
          return { method, uri, status: Number(status), upstream };
        });
    },
    /** SIGTERM (fast shutdown: open connections are cut), wait for the exit. */
    stop() {
      if (!stopping) {
        stopping = (async () => {
          if (entry.exitCode === undefined) {
            child.kill('SIGTERM');
            await withTimeout(exited, STOP_TIMEOUT_MS, `exit of ${entry.name}`);
          }
          fs.rmSync(dir, { recursive: true, force: true });
        })();
      }
      return stopping;
    },
  };
}

module.exports = { startNginx, nginxConfig, NGINX_BIN };
