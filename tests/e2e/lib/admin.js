'use strict';
// The admin endpoint (/metrics, /healthz, /readyz) and the gRPC health service, for tests.

const http = require('node:http');
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

/** GET on the admin port; resolves with {status, headers, body}. */
function adminGet(gw, urlPath, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${gw.adminUrl}${urlPath}`, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on('error', reject);
  });
}

/**
 * Parses the Prometheus text format into a Map from series key to value. Keys are the metric
 * name followed by its labels sorted by name: `name{a="1",b="2"}` (just `name` without labels).
 */
function parseMetrics(text) {
  const series = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels = [];
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[3])) !== null) labels.push([l[1], l[2]]);
    }
    series.set(seriesKey(m[1], Object.fromEntries(labels)), Number(m[4]));
  }
  return series;
}

function seriesKey(name, labels = {}) {
  const entries = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return name;
  return `${name}{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

async function scrape(gw) {
  const response = await adminGet(gw, '/metrics');
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const metrics = parseMetrics(response.body);
  /** The value of one series, 0 when absent. */
  metrics.value = (name, labels) => metrics.get(seriesKey(name, labels)) ?? 0;
  metrics.text = response.body;
  metrics.contentType = response.headers['content-type'];
  return metrics;
}

// The standard gRPC health protocol (grpc/health/v1/health.proto), written out here because
// @grpc/grpc-js does not ship it.
const HEALTH_PROTO = `syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
service Health { rpc Check(HealthCheckRequest) returns (HealthCheckResponse); }
`;

let healthService;
function loadHealthService() {
  if (!healthService) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubgate-health-'));
    const file = path.join(dir, 'health.proto');
    fs.writeFileSync(file, HEALTH_PROTO);
    const definition = protoLoader.loadSync(file, { enums: String });
    healthService = grpc.loadPackageDefinition(definition).grpc.health.v1.Health;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return healthService;
}

/** gRPC health Check(service); resolves with 'SERVING' / 'NOT_SERVING' / .... */
function grpcHealth(gw, service = '') {
  const Health = loadHealthService();
  const client = new Health(gw.grpcTarget, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.check({ service }, { deadline: Date.now() + 5000 }, (err, response) => {
      client.close();
      if (err) reject(err);
      else resolve(response.status);
    });
  });
}

module.exports = { adminGet, parseMetrics, scrape, grpcHealth };
