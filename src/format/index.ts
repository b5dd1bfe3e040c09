/**
 * The one formatting module of Flowlens: the dashboard (web/src/format.ts re-exports it), the PDF exports, the
 * alert and budget texts and the experiment decisions write numbers, money, durations, dates, ranges and changes
 * through it, driven by each metric's unit in the catalog. Pure: no DOM, no project imports.
 */
export * from './numbers.js';
export * from './durations.js';
export * from './units.js';
export * from './change-percent.js';
export * from './changes.js';
export * from './dates.js';
export * from './statistics.js';
