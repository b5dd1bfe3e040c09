/**
 * Whether the server answers: one state for the whole app, fed by every request (api.ts) and the live stream
 * (live.ts). A request that gets no answer at all (the server stopped, the network gone) marks the connection
 * down; any answer marks it up. While down, the health check is probed with a growing pause (1 s doubling to
 * 10 s), so the app notices the server's return even on a page that asks nothing; the banner then refetches
 * every panel. `lastDataAt` is when figures last arrived, shown as "Updated 10:42" on every page.
 */
import { useSyncExternalStore } from 'react';

/** A request that got no answer (fetch rejected): unlike an ApiError, asking again later may succeed. */
export class UnreachableError extends Error {
  constructor() {
    super('The server cannot be reached.');
    this.name = 'UnreachableError';
  }
}

export const isUnreachable = (error: unknown): boolean => error instanceof UnreachableError;

export interface ConnectionState {
  down: boolean;
  /** When the server last answered a request for data (ms since the epoch), null before the first. */
  lastDataAt: number | null;
}

const PROBE = '/healthz';
const FIRST_PAUSE_MS = 1_000;
const MAX_PAUSE_MS = 10_000;

let state: ConnectionState = { down: false, lastDataAt: null };
const listeners = new Set<() => void>();
let probe: ReturnType<typeof setTimeout> | undefined;

function set(next: ConnectionState): void {
  if (next.down === state.down && next.lastDataAt === state.lastDataAt) return;
  state = next;
  for (const l of listeners) l();
}

/** The server answered (any status): it is reachable. `data` when the answer carried figures. */
export function reportAnswer(data = false): void {
  clearTimeout(probe);
  probe = undefined;
  set({ down: false, lastDataAt: data ? Date.now() : state.lastDataAt });
}

/** A request or the stream got no answer: the connection is down until something answers. */
export function reportUnreachable(): void {
  if (!state.down) set({ ...state, down: true });
  if (probe === undefined) scheduleProbe(FIRST_PAUSE_MS);
}

function scheduleProbe(pause: number): void {
  probe = setTimeout(() => {
    fetch(PROBE, { cache: 'no-store' })
      .then((res) => (res.ok ? reportAnswer() : scheduleProbe(Math.min(pause * 2, MAX_PAUSE_MS))))
      .catch(() => scheduleProbe(Math.min(pause * 2, MAX_PAUSE_MS)));
  }, pause);
}

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

export function useConnection(): ConnectionState {
  return useSyncExternalStore(subscribe, () => state);
}

/** react-query's retry pause: 1 s doubling to 10 s. */
export const retryDelay = (attempt: number): number => Math.min(FIRST_PAUSE_MS * 2 ** attempt, MAX_PAUSE_MS);

/** Whether a failed query is asked again: always while the server is unreachable, twice for a 5xx, never for a 4xx (it will not get better). */
export function shouldRetry(failures: number, error: unknown, clientError: (error: unknown) => boolean): boolean {
  if (isUnreachable(error)) return true;
  return !clientError(error) && failures < 2;
}
