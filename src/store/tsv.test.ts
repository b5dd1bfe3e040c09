import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnsOf, MapValue, toTsv } from './tsv.js';

test('TSV fields: escapes, nulls, numbers, booleans, dates and string arrays, table-driven', () => {
  const cases: Array<[unknown, string]> = [
    ['plain', 'plain'],
    ['', ''],
    ['tab\there', 'tab\\there'],
    ['two\nlines\r', 'two\\nlines\\r'],
    ['back\\slash', 'back\\\\slash'],
    ['nul\0', 'nul\\0'],
    [null, '\\N'],
    [undefined, '\\N'],
    [42, '42'],
    [-3.5, '-3.5'],
    [Number.NaN, '\\N'],
    [Number.POSITIVE_INFINITY, '\\N'],
    [true, '1'],
    [false, '0'],
    [new Date(Date.UTC(2026, 10, 1, 5, 30)), '2026-11-01T05:30:00.000Z'],
    [['a', "it's", 'x\ty'], "['a','it\\'s','x\\ty']"],
    // objects as JSON, whose own escape (\t as backslash + t) is then escaped for TSV
    [{ k: 'v\t' }, '{"k":"v\\\\t"}'],
    // maps in the engine's map text, keys and string values quoted like array strings
    [new MapValue({ "it's": 'x\ty', n: 3 }), "{'it\\'s':'x\\ty','n':3}"],
    [new MapValue({}), '{}'],
  ];
  for (const [value, expected] of cases) assert.equal(toTsv([{ v: value }], ['v']), `${expected}\n`, `value ${String(value)}`);
});

test('TSV rows: one line per row, columns in the given order, missing keys as \\N', () => {
  const rows = [{ a: 1, b: 'x' }, { b: 'y', c: 2 }, {}];
  const columns = columnsOf(rows);
  assert.deepEqual(columns, ['a', 'b', 'c']);
  assert.equal(toTsv(rows, columns), '1\tx\t\\N\n\\N\ty\t2\n\\N\t\\N\t\\N\n');
  assert.equal(toTsv(rows, ['c', 'a']), '\\N\t1\n2\t\\N\n\\N\t\\N\n');
});
