'use strict';
// helm for the chart checks: scripts/fetch-helm.sh provides build/tools/helm (or HELM_BIN), run
// with scratch cache/config/data directories so nothing outside the build tree is touched.

const fs = require('node:fs');
const path = require('node:path');
const yaml = require('js-yaml');
const { ROOT, run, tempDir } = require('./common');

const CHART = path.join(ROOT, 'helm/hubgate');
let helmBin = null;

async function helmPath() {
  if (helmBin) return helmBin;
  if (process.env.HELM_BIN) {
    helmBin = process.env.HELM_BIN;
    return helmBin;
  }
  const r = await run(path.join(ROOT, 'scripts/fetch-helm.sh'), [], { timeoutMs: 300000 });
  if (r.code !== 0) throw new Error(`scripts/fetch-helm.sh failed:\n${r.stderr}`);
  helmBin = path.resolve(ROOT, r.stdout.trim().split('\n').pop());
  return helmBin;
}

/** Runs helm with the given arguments; resolves with {code, stdout, stderr}. */
async function helm(args) {
  const bin = await helmPath();
  const home = tempDir('hubgate-helm-');
  try {
    return await run(bin, args, { env: {
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_DATA_HOME: path.join(home, 'data'),
    } });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Writes values objects to files and returns the helm arguments (-f ...) plus a cleanup. */
function valueArgs(values) {
  const dir = tempDir('hubgate-values-');
  const args = [];
  (Array.isArray(values) ? values : [values]).forEach((v, i) => {
    const file = path.join(dir, `values-${i}.yaml`);
    fs.writeFileSync(file, yaml.dump(v));
    args.push('-f', file);
  });
  return { args, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `helm template` with values; resolves with {code, stdout, stderr}. */
async function template(values = {}, { release = 'gw', extra = [] } = {}) {
  const { args, cleanup } = valueArgs(values);
  try {
    return await helm(['template', release, CHART, '--namespace', 'push', ...args, ...extra]);
  } finally {
    cleanup();
  }
}

/** Renders and parses; returns the objects, with helpers to find them by kind (and name). */
async function render(values = {}, options = {}) {
  const r = await template(values, options);
  if (r.code !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  const objects = yaml.loadAll(r.stdout).filter((o) => o);
  const all = (kind) => objects.filter((o) => o.kind === kind);
  const one = (kind, name) => {
    const found = all(kind).filter((o) => name === undefined || o.metadata.name === name);
    if (found.length !== 1) {
      throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
    }
    return found[0];
  };
  return { objects, all, one, text: r.stdout };
}

// The release used by the tests ("gw") gives the objects this name.
const FULL = 'gw-hubgate';
const container = (r) => r.one('Deployment', FULL).spec.template.spec.containers[0];
const envOf = (c) => Object.fromEntries((c.env || []).map((e) => [e.name, e]));
const hubgateYaml = (r) => r.one('ConfigMap', FULL).data['hubgate.yaml'];

/** `helm install --dry-run=client` with values; resolves with the text from "NOTES:" on. */
async function notes(values) {
  const { args, cleanup } = valueArgs(values);
  try {
    const r = await helm(['install', 'gw', CHART, '--dry-run=client', '--namespace', 'push',
      ...args]);
    if (r.code !== 0) throw new Error(`helm install --dry-run failed:\n${r.stderr}`);
    return r.stdout.slice(r.stdout.indexOf('NOTES:'));
  } finally {
    cleanup();
  }
}

module.exports = {
  CHART, FULL, helm, template, render, valueArgs, notes, container, envOf, hubgateYaml,
};
