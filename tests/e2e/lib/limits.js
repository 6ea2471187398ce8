'use strict';
// Helpers of the limits_*.test.js files: the gateway's memory, a healthy client that must keep
// receiving pushes while hostile ones flood, and the limit-hit counters.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { connect, waitFor } = require('./clients');
const { scrape } = require('./admin');

/** The gateway's resident set size in KiB (VmRSS in /proc/PID/status). */
function rssKiB(gw) {
  const status = fs.readFileSync(`/proc/${gw.process.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]);
}

/** Prints the RSS before and after `flood` (assertions are about the limits, not the bytes). */
async function measured(gw, what, flood) {
  const before = rssKiB(gw);
  const result = await flood();
  const after = rssKiB(gw);
  console.log(`${what}: gateway RSS ${before} KiB before, ${after} KiB after`);
  return result;
}

/** An official client on `hubPath` with a push check. */
async function healthyClient(gw, hubPath = '/hubs/posts') {
  const connection = await connect(gw.hubUrl(hubPath));
  let seq = 0;
  connection.assertReceivesPushes = async () => {
    const value = `h${++seq}`;
    const got = waitFor(connection, 'Healthy', { predicate: (args) => args[0] === value });
    const r = await gw.grpcClient.send({
      hub: hubPath.split('/').pop(),
      method: 'Healthy',
      argumentsJson: JSON.stringify([value]),
      connectionId: connection.connectionId,
    });
    assert.equal(r.queuedConnections, '1');
    await got;
  };
  return connection;
}

/** hubgate_limit_hits_total of one limit. */
async function limitHits(gw, limit) {
  return (await scrape(gw)).value('hubgate_limit_hits_total', { limit });
}

/** Scrapes until `predicate(metrics)` holds (the registry gauges follow a 1 s sweep). */
async function scrapeUntil(gw, predicate, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await scrape(gw);
    if (predicate(metrics)) return metrics;
    if (Date.now() > deadline) throw new Error(`metrics never showed ${what}:\n${metrics.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

module.exports = { rssKiB, measured, healthyClient, limitHits, scrapeUntil };
