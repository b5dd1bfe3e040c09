/**
 * The dashboard builder's grid, as plain data: 12 columns of rows of fixed height. Where a pointer is on the grid,
 * placing a moved or resized box (the boxes it overlaps pushed down, then every box floated up as far as it goes),
 * and the first free place for a new one. No DOM here: the builder measures, these decide.
 */
export const COLUMNS = 12;
export const ROW_HEIGHT = 80;
export const GAP = 12;
export const MAX_HEIGHT = 12;

export interface Box {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** A box kept inside the grid: 1–12 columns wide, 1–MAX_HEIGHT rows high, starting at a column where it fits. */
export function clamp(b: Box): Box {
  const w = Math.min(COLUMNS, Math.max(1, Math.round(b.w)));
  const h = Math.min(MAX_HEIGHT, Math.max(1, Math.round(b.h)));
  return { ...b, w, h, x: Math.min(COLUMNS - w, Math.max(0, Math.round(b.x))), y: Math.max(0, Math.round(b.y)) };
}

/** Every box floated up as far as it goes without overlapping the ones above it (taken in reading order); the order of `boxes` is kept. */
export function compact(boxes: readonly Box[]): Box[] {
  const out: Box[] = [];
  for (const b of [...boxes].sort((p, q) => p.y - q.y || p.x - q.x)) {
    let y = 0;
    while (out.some((o) => overlaps(o, { ...b, y }))) y++;
    out.push({ ...b, y: Math.min(y, b.y) });
  }
  const byId = new Map(out.map((b) => [b.id, b]));
  return boxes.map((b) => byId.get(b.id)!);
}

/**
 * The boxes with `moved` put where it is now (added if new): each box it overlaps moves down below what is placed,
 * then everything floats up. The order of `boxes` is kept, `moved` last when new.
 */
export function place(boxes: readonly Box[], moved: Box): Box[] {
  const m = clamp(moved);
  const placed: Box[] = [m];
  for (const b of [...boxes].filter((x) => x.id !== m.id).sort((p, q) => p.y - q.y || p.x - q.x)) {
    const next = { ...b };
    for (;;) {
      const hits = placed.filter((p) => overlaps(p, next));
      if (hits.length === 0) break;
      next.y = Math.max(...hits.map((p) => p.y + p.h));
    }
    placed.push(next);
  }
  const byId = new Map(compact(placed).map((b) => [b.id, b]));
  const order = boxes.some((b) => b.id === m.id) ? boxes.map((b) => b.id) : [...boxes.map((b) => b.id), m.id];
  return order.map((id) => byId.get(id)!);
}

/** The first free place for a w×h box, reading rows from the top. */
export function freeSpot(boxes: readonly Box[], w: number, h: number): { x: number; y: number } {
  for (let y = 0; ; y++) {
    for (let x = 0; x + w <= COLUMNS; x++) if (!boxes.some((b) => overlaps(b, { id: '', x, y, w, h }))) return { x, y };
  }
}

/** The rows a grid of these boxes needs (and `spare` more below, to drop on). */
export const rowsOf = (boxes: readonly Box[], spare = 0): number => Math.max(0, ...boxes.map((b) => b.y + b.h)) + spare;

/** The grid cell under a point, given the grid's rectangle (its left, top and width). */
export function cellAt(rect: { left: number; top: number; width: number }, clientX: number, clientY: number): { x: number; y: number } {
  const column = (rect.width - GAP * (COLUMNS - 1)) / COLUMNS;
  return {
    x: Math.min(COLUMNS - 1, Math.max(0, Math.floor((clientX - rect.left + GAP / 2) / (column + GAP)))),
    y: Math.max(0, Math.floor((clientY - rect.top + GAP / 2) / (ROW_HEIGHT + GAP))),
  };
}

/** How many columns and rows a pointer moved by (dx, dy) pixels spans on a grid `width` wide, rounded. */
export function cellsMoved(width: number, dx: number, dy: number): { dw: number; dh: number } {
  const column = (width - GAP * (COLUMNS - 1)) / COLUMNS;
  return { dw: Math.round(dx / (column + GAP)), dh: Math.round(dy / (ROW_HEIGHT + GAP)) };
}
