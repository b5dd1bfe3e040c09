// Runs every *.test.ts(x) under src/, web/src/, test/ and packages/ with Node's test runner (each file in its own process,
// which chdb needs: one embedded engine per process). Extra arguments are passed to node --test.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : find(p);
    return /\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));
let files = [...find('src'), ...find('web/src'), ...find('test'), ...find('packages')].sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...flags, ...files],
  { stdio: 'inherit', env: { ...process.env, FLOWLENS_LOG_LEVEL: process.env.FLOWLENS_LOG_LEVEL ?? 'silent' } },
);
process.exit(result.status ?? 1);
