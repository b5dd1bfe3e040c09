/**
 * What a form shows when the API refuses it: each problem+json field error (`errors`: a JSON pointer into the
 * request body and a message) next to the input it is about, and the rest above the buttons. Every settings
 * form, the alert rule editor and the experiment form label their inputs through `Field`, so the API's words
 * reach the field that caused them, announced to screen readers (aria-invalid, aria-describedby).
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ApiError } from '../api.js';

/** Messages by pointer, relative to `under` (e.g. '/budgets/2' for the third budget of a list); first message per pointer. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(error: unknown, under = ''): FieldErrors {
  const out: FieldErrors = {};
  if (!(error instanceof ApiError)) return out;
  for (const e of error.errors) {
    if (under && e.path !== under && !e.path.startsWith(`${under}/`)) continue;
    const key = e.path.slice(under.length) || '/';
    out[key] ??= e.message;
  }
  return out;
}

/**
 * The message for a field at `path`: its own, or the first of anything inside it, saying where ('/recipients'
 * holds '/recipients/1': "item 2: must match format "email"").
 */
export function errorAt(errors: FieldErrors, path: string): string | undefined {
  if (errors[path] !== undefined) return errors[path];
  const inside = Object.keys(errors).find((k) => k.startsWith(`${path}/`));
  if (inside === undefined) return undefined;
  const where = inside.slice(path.length + 1).split('/').map((s) => (/^\d+$/.test(s) ? `item ${Number(s) + 1}` : s.replace(/_/g, ' ')));
  return `${where.join(', ')}: ${errors[inside]}`;
}

/**
 * The API's field errors under a form's own names, for forms that keep their messages by input name (the alert
 * rule editor): `nameOf` maps a pointer to the name (undefined: none of the form's); the first message per name.
 */
export function errorsNamed(error: unknown, nameOf: (pointer: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [pointer, message] of Object.entries(fieldErrors(error))) {
    const name = nameOf(pointer);
    if (name !== undefined) out[name] ??= message;
  }
  return out;
}

/** Merges messages of the form's own checks with the API's (the API's win: they are what was refused). */
export function mergeErrors(...lists: Array<FieldErrors | undefined>): FieldErrors {
  return Object.assign({}, ...lists.filter(Boolean)) as FieldErrors;
}

export interface FieldProps {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/** A labelled input with its message; `children` receives the props that tie the input to its label and message. */
export function Field({ label, error, hint, wide, children }: { label: ReactNode; error?: string | undefined; hint?: ReactNode; wide?: boolean; children: (props: FieldProps) => ReactNode }) {
  const id = useId();
  const messageId = `${id}-message`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? messageId : '', hint ? hintId : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${wide ? ' field-wide' : ''}${error ? ' has-error' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, ...(error ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {hint && (
        <span className="muted small" id={hintId}>
          {hint}
        </span>
      )}
      {error && (
        <span className="form-error small" id={messageId} data-field-error="">
          {error}
        </span>
      )}
    </div>
  );
}

/**
 * The refusal as a whole, above the form's buttons: the API's detail when no field shows a message (or for a
 * refusal without fields, e.g. 403), else a short pointer to the fields, and the focus on the first one refused. `shown`: the pointers (relative to `under`)
 * the form has a field for.
 */
export function FormProblem({ error, under = '', shown = [] }: { error: unknown; under?: string; shown?: readonly string[] }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const errors = fieldErrors(error, under);
  const onAField = shown.some((s) => errorAt(errors, s) !== undefined);
  // a refusal about a field takes the keyboard to the first field refused
  useEffect(() => {
    if (error && onAField) ref.current?.closest('form')?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error, onAField]);
  if (!error) return null;
  const message = onAField ? 'Not saved: see the messages next to the fields.' : error instanceof Error ? error.message : String(error);
  return (
    <p ref={ref} className="form-error small" role="alert">
      {message}
    </p>
  );
}
