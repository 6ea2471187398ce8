'use strict';
// Shared helpers of the deployment checks: repository paths, running commands, the helm binary
// and the hubgate binary's --check_config.

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const HUBGATE_BIN = process.env.HUBGATE_BIN || path.join(ROOT, 'build/release/gateway/hubgate');

/** Runs a command; resolves with {code, stdout, stderr} and never rejects on a non-zero exit. */
function run(file, args, { env, input, timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: { ...process.env, ...env }, timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024, cwd: ROOT }, (err, stdout, stderr) => {
      if (err && err.code === 'ENOENT') {
        reject(new Error(`${file} not found`));
        return;
      }
      if (err && err.killed) {
        reject(new Error(`${file} ${args.join(' ')} timed out\n${stderr}`));
        return;
      }
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Runs `hubgate --check_config` on a configuration text. Resolves with null when there is no
 * binary to run (the test then skips), else with {code, stdout, stderr}.
 */
async function checkConfig(yamlText, env = {}) {
  if (!fs.existsSync(HUBGATE_BIN)) return null;
  const dir = tempDir('hubgate-deploy-config-');
  try {
    const file = path.join(dir, 'hubgate.yaml');
    fs.writeFileSync(file, yamlText);
    // Only the variables given: the developer's own HUBGATE_* must not change the verdict.
    return await run(HUBGATE_BIN, ['--check_config', `--config=${file}`],
      { env: { ...Object.fromEntries(Object.keys(process.env)
        .filter((k) => k.startsWith('HUBGATE_')).map((k) => [k, ''])), ...env } });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Why a --check_config failure is only an older binary (keys it does not know yet), or null. */
function olderBinaryReason(result) {
  const m = /(admin|shutdown|log\.format)[^:]*: unknown key/.exec(result.stderr);
  return m ? `the hubgate binary predates the ${m[1]} keys (rebuild it): ${result.stderr.trim()}`
    : null;
}

module.exports = { ROOT, HUBGATE_BIN, run, tempDir, checkConfig, olderBinaryReason };
