/**
 * The SDK stands alone: its sources import their own package and Node built-ins only. The rule
 * `packages-stand-alone` of .dependency-cruiser.cjs is checked on the real tree (nothing found) and on a planted
 * tree (imports of the server and of the tests found, the allowed ones not); npm packages, which the cruise
 * leaves out (it excludes node_modules/), by reading every import of the SDK's sources.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { tempDir } from '../../../test/helpers/store.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

async function violations(baseDir: string, dirs: string[]): Promise<string[]> {
  const config = ((await import(path.join(ROOT, '.dependency-cruiser.cjs'))) as { default: IConfiguration }).default;
  const { tsConfig: _ts, ...options } = config.options ?? {};
  const result = await cruise(dirs, { ...options, ruleSet: { forbidden: config.forbidden ?? [] }, validate: true, baseDir });
  const output = result.output as ICruiseResult;
  assert.ok(output.summary.totalCruised > 0, 'something was cruised');
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

test('the SDK imports nothing of the server and no npm package', { timeout: 120_000 }, async () => {
  assert.deepEqual(await violations(ROOT, ['packages/sdk/src']), []);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages/sdk/package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(pkg.dependencies, undefined, 'no runtime dependencies');
  assert.equal(pkg.peerDependencies, undefined);
  const src = path.join(ROOT, 'packages/sdk/src');
  const specifiers: string[] = [];
  for (const f of fs.readdirSync(src, { recursive: true }) as string[]) {
    if (!f.endsWith('.ts')) continue;
    const text = fs.readFileSync(path.join(src, f), 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) specifiers.push(`${f}: ${m[1]}`);
  }
  assert.ok(specifiers.length > 10, `${specifiers.length} imports read`);
  assert.deepEqual(specifiers.filter((x) => !/: (node:[a-z/_]+|\.\/[\w-]+\.js)$/.test(x)), [], 'only node: built-ins and files of the package');
});

test('the rule catches an import of the server and of the tests, not of node: built-ins, the package itself, or from its tests', { timeout: 120_000 }, async () => {
  const dir = tempDir('flowlens-sdk-architecture-');
  const files: Record<string, string> = {
    'src/metrics/summary.ts': 'export const s = 1;\n',
    'test/helpers/h.ts': 'export const h = 1;\n',
    'packages/sdk/src/own.ts': 'export const own = 1;\n',
    'packages/sdk/src/client.ts': [
      "import zlib from 'node:zlib';",
      "import { own } from './own.js';",
      "import { s } from '../../../src/metrics/summary.js';",
      "import { h } from '../../../test/helpers/h.js';",
      'export const c = [zlib, own, s, h];',
      '',
    ].join('\n'),
    'packages/sdk/test/client.test.ts': "import { s } from '../../../src/metrics/summary.js';\nexport const t = s;\n",
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  assert.deepEqual(await violations(dir, ['packages']), [
    'packages-stand-alone: packages/sdk/src/client.ts → src/metrics/summary.ts',
    'packages-stand-alone: packages/sdk/src/client.ts → test/helpers/h.ts',
  ]);
});
