/** The built dashboard for browser tests: runs `vite build` when dist/web is missing or older than its sources. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const WEB_DIR = path.resolve('dist/web');

function newest(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

export async function ensureWebBuild(): Promise<string> {
  const index = path.join(WEB_DIR, 'index.html');
  const sources = Math.max(newest('web'), newest('src/charts'), newest('src/contract'), newest('src/format'));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return WEB_DIR;
  // async: a synchronous child would stall this process (and any server it runs) while Vite builds
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`vite build failed (exit ${code})`);
  return WEB_DIR;
}
