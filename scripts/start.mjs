// npm start: builds when dist/ is missing or older than src/, then runs `flowlens serve --demo`.
// Extra arguments are passed on (npm start -- --port 9000).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

const entry = 'dist/cli/main.js';
if (!fs.existsSync(entry) || newest('src') > fs.statSync(entry).mtimeMs) {
  process.stderr.write('Building Flowlens…\n');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  fs.utimesSync(entry, new Date(), new Date());
}
const run = spawnSync(process.execPath, [entry, 'serve', '--demo', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
