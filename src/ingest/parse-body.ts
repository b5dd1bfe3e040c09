/** Turns a request body (JSON array, one JSON object, or NDJSON text) into a list of raw events. */
export type RawItem = { ok: true; value: unknown } | { ok: false; message: string };

export function itemsFromJson(body: unknown): RawItem[] {
  const list = Array.isArray(body) ? body : [body];
  return list.map((value) => ({ ok: true, value }));
}

/** One event per line; blank lines are skipped; a line that is not JSON is rejected on its own. */
export function itemsFromNdjson(text: string): RawItem[] {
  const items: RawItem[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.length === 0) continue;
    try {
      items.push({ ok: true, value: JSON.parse(trimmed) });
    } catch (err) {
      items.push({ ok: false, message: `not valid JSON: ${(err as Error).message}` });
    }
  }
  return items;
}
