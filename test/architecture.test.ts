/**
 * The layering rules of .dependency-cruiser.cjs, checked by dependency-cruiser on the real tree (no violation),
 * and on a planted tree (each rule catches the violation planted for it), so a rule that stopped matching
 * anything would fail here too.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { tempDir } from './helpers/store.js';

const ROOT = path.resolve(import.meta.dirname, '..');

async function rules(): Promise<IConfiguration> {
  const mod = (await import(path.join(ROOT, '.dependency-cruiser.cjs'))) as { default: IConfiguration };
  return mod.default;
}

/** The violations dependency-cruiser finds under `baseDir` (rule name, from, to), sorted. */
async function violations(baseDir: string, dirs: string[]): Promise<string[]> {
  const config = await rules();
  const { tsConfig: _ts, ...options } = config.options ?? {};
  const result = await cruise(dirs, { ...options, ruleSet: { forbidden: config.forbidden ?? [] }, validate: true, baseDir });
  const output = result.output as ICruiseResult;
  assert.ok(output.summary.totalCruised > 0, 'something was cruised');
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

/** Imports of the API contract in the web's sources that are not `import type` (which the bundle would carry). */
function valueImportsOfContract(webDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/^\s*(import|export)\b([^;]*?)from\s+['"]([^'"]*src\/contract\/[^'"]*)['"]/gms)) {
          if (!/^\s*type\b/.test(m[2]!)) out.push(`${path.relative(webDir, p)} → ${m[3]}`);
        }
      }
    }
  };
  walk(webDir);
  return out.sort();
}

test('the real tree keeps every layering rule', { timeout: 120_000 }, async () => {
  assert.deepEqual(await violations(ROOT, ['src', 'web/src']), []);
  assert.deepEqual(valueImportsOfContract(path.join(ROOT, 'web/src')), [], 'the web imports the contract as types only');
});

test('each rule catches the violation planted for it', { timeout: 120_000 }, async () => {
  const dir = tempDir('flowlens-architecture-');
  const files: Record<string, string> = {
    'src/http/problem.ts': 'export const p = 1;\n',
    'src/runtime.ts': "import { p } from './http/problem.js';\nexport const r = p;\n",
    'src/metrics/summary.ts': "import { p } from '../http/problem.js';\nexport const s = p;\n",
    'src/stats/maths.ts': "import { s } from '../metrics/summary.js';\nexport const m = s;\n",
    'src/store/store.ts': "import { s } from '../metrics/summary.js';\nexport const t = s;\n",
    'src/ingest/a.ts': "import { b } from './b.js';\nimport { x } from '../reports/x.js';\nexport const a = b + x;\n",
    'src/ingest/b.ts': "import { a } from './a.js';\nexport const b = a;\n",
    'src/reports/x.ts': 'export const x = 1;\n',
    'src/contract/analytics.ts': 'export interface Summary { n: number }\n',
    'web/src/api.ts': "import type { Summary } from '../../src/contract/analytics.js';\nimport { s } from '../../src/metrics/summary.js';\nexport const w: Summary = { n: s };\n",
    'web/src/page.ts': "import { x } from '../../src/contract/analytics.js';\nexport const y = x;\n",
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.appendFileSync(path.join(dir, 'src/contract/analytics.ts'), 'export const x = 1;\n');
  assert.deepEqual(await violations(dir, ['src', 'web/src']), [
    'metrics-below-the-features: src/ingest/a.ts → src/reports/x.ts',
    'no-circular: src/ingest/a.ts → src/ingest/b.ts',
    'only-runtime-imports-http: src/metrics/summary.ts → src/http/problem.ts',
    'pure-modules-import-nothing-of-the-project: src/stats/maths.ts → src/metrics/summary.ts',
    'store-is-the-bottom: src/store/store.ts → src/metrics/summary.ts',
    'web-imports-only-the-contract: web/src/api.ts → src/metrics/summary.ts',
  ]);
  assert.deepEqual(valueImportsOfContract(path.join(dir, 'web/src')), ['page.ts → ../../src/contract/analytics.js']);
});
