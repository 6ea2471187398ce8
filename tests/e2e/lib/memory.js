'use strict';
// The gateway's resident memory, for hostile-client tests that print it before and after a flood
// (asserted only against the configured bounds, never as a speed).

const fs = require('node:fs');

/** Resident set size of the gateway process in KiB (Linux /proc). */
function rssKiB(gw) {
  const status = fs.readFileSync(`/proc/${gw.process.pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${gw.process.pid}/status`);
  return Number(match[1]);
}

/** Logs "what: RSS before -> after KiB" to the test output and returns both figures. */
function reportRss(t, what, beforeKiB, afterKiB) {
  t.diagnostic(`${what}: gateway RSS ${beforeKiB} KiB before, ${afterKiB} KiB after`);
  return { beforeKiB, afterKiB };
}

module.exports = { rssKiB, reportRss };
