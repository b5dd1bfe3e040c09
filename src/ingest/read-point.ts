/**
 * Read your writes, once per request. An answer must count every event of its account acknowledged before the
 * request came; events acknowledged while it waits need not be counted. The HTTP guard waits for the first
 * (EventIntake.ingested) and runs the rest of the request inside `afterAcknowledged`, so the waits further down
 * (DerivedTables.settled) do not wait a second time for events acknowledged meanwhile: under saturated ingestion
 * that second wait chased the senders, and a dashboard's read waited for the backlog twice.
 * Callers outside a request (alerts, reports, budgets) are in no such scope and wait as before.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const waited = new AsyncLocalStorage<string>();

/** Runs `fn` (and everything it starts) as having waited for every event of `account` acknowledged before. */
export function afterAcknowledged<T>(account: string, fn: () => T): T {
  return waited.run(account, fn);
}

/** Whether the current request already waited for the account's acknowledged events. */
export function acknowledgedAwaited(account: string): boolean {
  return waited.getStore() === account;
}

/**
 * Runs `fn` outside any request's scope: background work a request merely starts (a facts write a read kicks,
 * and the live updates and alert checks that follow it) must wait for acknowledged events as its own.
 */
export function detached<T>(fn: () => T): T {
  return waited.exit(fn);
}
