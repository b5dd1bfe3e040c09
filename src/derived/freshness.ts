/**
 * What a reader needs of the derived tables: to wait until they hold every event stored before it (`settled`),
 * a number that changes whenever a workflow's figures may have (`generation`, for caches), and to hear when
 * they did (`onUpdated`, for live streams, budgets and other instances). DerivedTables keeps them; readers
 * depend on this, not on how the tables are written.
 */
export interface Freshness {
  /**
   * Resolves once the facts of this workflow reflect every event stored before the call; DerivedTables resolves
   * with the generation they then reflect at least (caches keep answers as of it: see unchangedSince).
   */
  settled(account: string, workflow: string): Promise<number | void>;
  /** Changes whenever events of the workflow are stored or rebuilt, or its catalog changes. */
  generation(account: string, workflow: string): number;
  /**
   * Whether every change of the workflow after generation `since` up to generation `until` is known to have
   * touched nothing in [from, to) (DerivedTables: stored batches whose facts are written; anything else counts as
   * touching all) — with `cohort`, nothing of the figures placed at an execution's enrolment (a cohort's counts). Lets
   * answers about a closed period outlive the generations that did not change it. Optional: without it, every
   * change invalidates every answer.
   */
  unchangedSince?(account: string, workflow: string, since: number, until: number, from: Date, to: Date, cohort?: boolean): boolean;
  /** Makes the changes unchangedSince knows complete up to what `settled` waited for (reading them costs a statement). */
  resolveChanges?(account: string, workflow: string): Promise<void>;
  /** Calls `listener` whenever a workflow's derived tables reflect newly stored events (or a rebuild). */
  onUpdated(listener: (account: string, workflow: string) => void): void;
}
