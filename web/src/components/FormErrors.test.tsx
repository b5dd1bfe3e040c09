/** The API's field errors mapped to a form's inputs: by pointer, under a list item, inside a field, by the form's names. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import { ApiError } from '../api.js';
import { errorAt, errorsNamed, Field, fieldErrors, FormProblem } from './FormErrors.js';

const refused = new ApiError(400, 'Invalid body: /budgets/1/monthly_usd must be > 0', 'Bad Request', [
  { path: '/budgets/1/monthly_usd', message: 'must be > 0' },
  { path: '/budgets/1/monthly_usd', message: 'must be number' },
  { path: '/budgets/1/notify/emails/2', message: 'must match format "email"' },
  { path: '/budgets/0/timezone', message: 'unknown timezone "Mars"' },
]);

test('fieldErrors: the first message per pointer, relative to a list item; nothing from other errors', () => {
  assert.deepEqual(fieldErrors(refused, '/budgets/1'), { '/monthly_usd': 'must be > 0', '/notify/emails/2': 'must match format "email"' });
  assert.deepEqual(fieldErrors(refused, '/budgets/0'), { '/timezone': 'unknown timezone "Mars"' });
  assert.deepEqual(fieldErrors(refused, '/budgets/10'), {}, 'not /budgets/1 by prefix');
  assert.deepEqual(fieldErrors(new Error('network')), {});
  assert.deepEqual(fieldErrors(null), {});
});

test('errorAt: a field\'s own message, or the first inside it saying which item', () => {
  const e = fieldErrors(refused, '/budgets/1');
  for (const [path, expected] of [
    ['/monthly_usd', 'must be > 0'],
    ['/notify/emails', 'item 3: must match format "email"'],
    ['/notify', 'emails, item 3: must match format "email"'],
    ['/thresholds', undefined],
  ] as const) assert.equal(errorAt(e, path), expected, path);
});

test('errorsNamed: pointers under the names a form keeps its messages by', () => {
  const rule = new ApiError(400, 'x', 'Bad Request', [{ path: '/channels/1/url', message: 'must match pattern' }, { path: '/interval_minutes', message: 'must be <= 1440' }, { path: '/bucket', message: 'bad' }]);
  const named = errorsNamed(rule, (p) => (/^\/channels\/(\d+)/.exec(p) ? `channel-${/^\/channels\/(\d+)/.exec(p)![1]}` : p === '/interval_minutes' ? 'interval_minutes' : undefined));
  assert.deepEqual(named, { 'channel-1': 'must match pattern', interval_minutes: 'must be <= 1440' });
});

test('Field ties its input to its label and message; FormProblem says where to look, or the API\'s words', () => {
  const out = renderToStaticMarkup(<Field label="Amount" error="must be > 0">{(p) => <input {...p} name="amount" />}</Field>);
  const id = /<input id="([^"]+)"/.exec(out)![1]!;
  assert.match(out, new RegExp(`<label class="field-label" for="${id}">Amount</label>`));
  assert.match(out, new RegExp(`aria-invalid="true" aria-describedby="${id}-message"`));
  assert.match(out, new RegExp(`<span class="form-error small" id="${id}-message" data-field-error="">must be &gt; 0</span>`));
  assert.doesNotMatch(renderToStaticMarkup(<Field label="Amount">{(p) => <input {...p} />}</Field>), /aria-invalid|aria-describedby/);
  assert.match(renderToStaticMarkup(<FormProblem error={refused} under="/budgets/1" shown={['/monthly_usd']} />), />Not saved: see the messages next to the fields.</);
  assert.match(renderToStaticMarkup(<FormProblem error={refused} under="/budgets/1" shown={['/name']} />), />Invalid body: \/budgets\/1\/monthly_usd must be &gt; 0</);
  assert.match(renderToStaticMarkup(<FormProblem error={new ApiError(403, 'A key with role "viewer" may not manage the account')} />), /role="alert">A key with role &quot;viewer&quot; may not manage the account</);
  assert.equal(renderToStaticMarkup(<FormProblem error={null} />), '');
});
