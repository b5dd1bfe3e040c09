// Copies the .sql migrations next to the compiled store code (tsc copies only .ts output).
import fs from 'node:fs';
fs.mkdirSync('dist/store/migrations', { recursive: true });
for (const f of fs.readdirSync('src/store/migrations')) {
  fs.copyFileSync(`src/store/migrations/${f}`, `dist/store/migrations/${f}`);
}
