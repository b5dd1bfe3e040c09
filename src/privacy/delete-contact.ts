/**
 * Deletes one contact's data on request (DELETE /api/v1/contacts/{contact_id}): every event of every
 * execution enrolled for that contact (under its id as sent or its pseudonym), then the derived tables
 * of the workflows concerned are rebuilt from what is left, so no figure still counts the contact.
 * Runs as a job while ingestion waits (the rebuild must not see a batch twice).
 */
import crypto from 'node:crypto';
import type { DerivedTables } from '../derived/derived-tables.js';
import type { EventIntake } from '../ingest/intake.js';
import type { JobRunner, Job } from '../jobs/jobs.js';
import type { Store } from '../store/store.js';

/** How records about the deletion name the contact: a one-way hash, never the id itself. */
export function contactLabel(account: string, contactId: string): string {
  return `sha256:${crypto.createHash('sha256').update(`${account}\u0000${contactId}`).digest('hex').slice(0, 16)}`;
}

export async function contactExecutions(store: Store, account: string, contactForms: string[]) {
  return store.query<{ workflow_id: string; execution_ids: string[] }>(
    `SELECT workflow_id, groupArray(execution_id) AS execution_ids FROM (
        SELECT workflow_id, execution_id FROM execution_state
        WHERE account_id = {a:String}
        GROUP BY workflow_id, execution_id
        HAVING max(contact_id) IN {contacts:Array(String)}
     ) GROUP BY workflow_id ORDER BY workflow_id`,
    { a: account, contacts: contactForms },
  );
}

export async function queueContactDeletion(
  deps: { store: Store; buffer: EventIntake; derived: DerivedTables; jobs: JobRunner },
  account: string,
  contactForms: string[],
  /** What the job record shows instead of the contact id (it must not keep the id it deletes). */
  label: string,
): Promise<{ job: Job; executions: number; workflows: number }> {
  const found = await contactExecutions(deps.store, account, contactForms);
  const executions = found.reduce((n, w) => n + w.execution_ids.length, 0);
  const job = await deps.jobs.enqueue(account, 'contact_deletion', { contact: label }, async (progress) => {
    let deletedEvents = 0;
    let deletedExecutions = 0;
    await deps.buffer.exclusive(async () => {
      // Found again inside the exclusive section: events that arrived since the request count too.
      const now = await contactExecutions(deps.store, account, contactForms);
      for (const [i, w] of now.entries()) {
        const scope = { account, workflow: w.workflow_id };
        const params = { ...scope, ids: w.execution_ids };
        const [c] = await deps.store.query<{ n: number }>(
          `SELECT count() AS n FROM events
           WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND execution_id IN {ids:Array(String)}`,
          params,
        );
        deletedEvents += c?.n ?? 0;
        deletedExecutions += w.execution_ids.length;
        await deps.store.command(
          `ALTER TABLE events DELETE
           WHERE account_id = {account:String} AND workflow_id = {workflow:String} AND execution_id IN {ids:Array(String)}`,
          params,
        );
        await deps.derived.rebuild(scope);
        await progress((i + 1) / now.length);
      }
    });
    return { deleted_executions: deletedExecutions, deleted_events: deletedEvents };
  });
  return { job, executions, workflows: found.length };
}
