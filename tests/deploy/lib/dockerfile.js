'use strict';
// A small Dockerfile reader for the checks: instructions (continuations joined, comments
// dropped) grouped into stages.

const fs = require('node:fs');

/** Returns [{from, name, instructions: [{keyword, args, line}]}] for a Dockerfile. */
function parseDockerfile(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const instructions = [];
  let current = null;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (current === null && (line === '' || line.startsWith('#'))) return;
    if (current !== null && line.startsWith('#')) return;  // comments inside continuations
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1) : line;
    if (current === null) {
      current = { text: body, line: i + 1 };
    } else {
      current.text += ` ${body}`;
    }
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/.exec(current.text.trim());
      instructions.push({ keyword: m[1].toUpperCase(), args: m[2].replace(/\s+/g, ' ').trim(),
        line: current.line });
      current = null;
    }
  });
  const stages = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      stages.push({ from: m[1], name: m[2] || null, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return stages;
}

/** Packages named by `apt-get install` commands in a stage's RUN instructions. */
function aptInstalls(stage) {
  const packages = [];
  for (const ins of stage.instructions.filter((i) => i.keyword === 'RUN')) {
    for (const command of ins.args.split(/&&|;/)) {
      const words = command.trim().split(/\s+/);
      const at = words.indexOf('install');
      if (!words.includes('apt-get') || at < 0) continue;
      packages.push(...words.slice(at + 1).filter((w) => !w.startsWith('-')));
    }
  }
  return packages;
}

module.exports = { parseDockerfile, aptInstalls };
