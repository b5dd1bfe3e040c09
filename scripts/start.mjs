// npm start: builds when dist/ is missing or older than src/ or web/, then runs `flowlens serve --demo`.
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
const app = 'dist/web/index.html';
const stale = (file, ...dirs) => !fs.existsSync(file) || Math.max(...dirs.map(newest)) > fs.statSync(file).mtimeMs;
if (stale(entry, 'src') || stale(app, 'web', 'src/charts')) {
  process.stderr.write('Building Flowlens…\n');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  fs.utimesSync(entry, new Date(), new Date());
  fs.utimesSync(app, new Date(), new Date());
}
const run = spawnSync(process.execPath, [entry, 'serve', '--demo', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
