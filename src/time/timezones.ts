/**
 * Timezone names: which ones Flowlens understands, and the exact spelling it passes to the engine.
 *
 * IANA names are case-sensitive in ClickHouse ("utc" fails with "Cannot load time zone utc") while Intl reads
 * them in any case. A name is understood when it is known, in exactly that spelling or in another case, to both
 * the engine (its system.time_zones, given once at start) and Intl (which the period arithmetic uses); it is
 * answered in the engine's own spelling: "utc" → "UTC", "europe/paris" → "Europe/Paris". Before the engine's
 * list is given (pure unit tests, the CLI before a store opens) Intl stands in for it: a name Intl reads is
 * answered in Intl's spelling when that differs only in case, else as given (an alias such as Asia/Kolkata).
 */

const MAX_NAME_LENGTH = 64;

/** The names known in any case: lowercase → the engine's spelling. */
let known: Map<string, string> | undefined;

function intlAccepts(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function byLowercase(names: Iterable<string>): Map<string, string> {
  const map = new Map<string, string>();
  for (const n of names) if (!map.has(n.toLowerCase())) map.set(n.toLowerCase(), n);
  return map;
}

/** Gives the engine's timezone names (SELECT time_zone FROM system.time_zones); called once the store is open. */
export function useEngineTimezones(names: readonly string[]): void {
  known = byLowercase(names.filter(intlAccepts));
}

/**
 * The spelling of a timezone name that both the engine and Intl know, or undefined when it is not one:
 * the name itself when known exactly, else the known name that differs from it only in case.
 */
export function resolveTimezone(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return undefined;
  if (known !== undefined) return known.get(name.toLowerCase());
  if (!intlAccepts(name)) return undefined;
  const spelled = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  return spelled.toLowerCase() === name.toLowerCase() ? spelled : name;
}
