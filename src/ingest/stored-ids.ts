/**
 * Which event ids the store may hold, known in the process, so that deduplicating a batch of new ids needs no
 * question to the engine (which runs one parameterized statement at a time: a sender's answer would wait behind
 * the derived-table writes). Each id is kept as 64 bits of the same hash the engine's event-id index holds
 * (siphash.ts), mixed with its account's: loaded from event_ids at start (in the background), and added for every
 * insert into events that goes through this process's store (`observe`).
 *
 * `mayHold` answers false only when the id is certainly not stored; true means "ask the engine" (a stored id, or
 * one of the rare 64-bit coincidences), so deduplication stays exact. Until the load is done, after an insert
 * failed midway (it may have stored part of its rows without saying which), or beyond `maxSlots`, every id is
 * "maybe", which is the engine lookup for every row as before.
 */
import type { Store } from '../store/store.js';
import { sipHash128Low64 } from './siphash.js';

/** Slots filled beyond this share make the table grow (and, at maxSlots, give up). */
const LOAD_FACTOR = 0.6;

/** About this many ids a slice of the load (16.9M ids in 512 slices, measured). */
const IDS_PER_SLICE = 32_768;

/** How many slices `load` reads an index of `ids` ids in: a power of two from 1 to 512, each of about IDS_PER_SLICE ids. */
export function slicesFor(ids: number): number {
  let slices = 1;
  while (slices < 512 && slices * IDS_PER_SLICE < ids) slices *= 2;
  return slices;
}

export class StoredIdIndex {
  /** Open addressing: slot i holds [low, high] at 2i, 2i+1; [0, 0] is empty. */
  private slots: Uint32Array;
  private mask: number;
  private count = 0;
  private loaded = false;
  /** Given up (an insert failed midway, or the table outgrew maxSlots): every id is "maybe" from now on. */
  private unusable = false;
  private accounts = new Map<string, [number, number]>();
  private stopped = false;

  constructor(
    initialSlots = 1 << 16,
    private readonly maxSlots = 1 << 26,
  ) {
    this.slots = new Uint32Array(initialSlots * 2);
    this.mask = initialSlots - 1;
  }

  /** Whether the index answers (loaded, and nothing happened that it could have missed). */
  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Loading (at start, every id "maybe" until done), ready, or off (given up, or the load was stopped). */
  get state(): 'loading' | 'ready' | 'off' {
    if (this.unusable || (this.stopped && !this.loaded)) return 'off';
    return this.loaded ? 'ready' : 'loading';
  }

  get size(): number {
    return this.count;
  }

  /** False only when the account certainly has no stored event with this id. */
  mayHold(account: string, id: string): boolean {
    if (!this.ready) return true;
    const [lo, hi] = this.key(account, id);
    return this.find(lo, hi);
  }

  /** Records that the account's event `id` is stored. */
  add(account: string, id: string): void {
    if (this.unusable) return;
    const [lo, hi] = this.key(account, id);
    this.put(lo, hi);
  }

  /**
   * `store`, with every insert into events recorded here once it succeeds. One that fails may have stored part of
   * its rows: the index stops answering.
   */
  observe(store: Store): Store {
    return {
      ...store,
      query: store.query.bind(store),
      stream: store.stream.bind(store),
      streamText: store.streamText.bind(store),
      command: store.command.bind(store),
      close: store.close.bind(store),
      insert: async (table, rows, options) => {
        try {
          await store.insert(table, rows, options);
        } catch (err) {
          if (table === 'events') this.giveUp();
          throw err;
        }
        if (table !== 'events') return;
        for (const r of rows) {
          const id = r.event_id;
          if (typeof id === 'string' && id !== '') this.add(String(r.account_id ?? ''), id);
        }
      },
    };
  }

  /**
   * Reads every id of the event-id index, in the background, in 512 slices of the hash range: statements in the
   * store's background lane, each run only when no other statement waits, with the event loop free between them,
   * so that a large index delays a panel by one short statement at most. Each slice comes back as one hex text per
   * account (16 digits an id: its 64 low bits, little-endian), decoded natively, instead of a JSON row per id. At 1M
   * enrollments (16.9M ids), measured on the engine: 256 slices of JSON rows took 23 s after a start, each holding
   * the engine and Node ≈90 ms (the first panels' times doubled); hex slices take 18 ms each in 256 slices, 12.9 ms in
   * 512 (6.6 s in all), 7.5 ms in 2,048 (15 s: the statement's own cost dominates). An index larger than `maxSlots`
   * allows is not read at all (the engine lookup serves every row, as before). Inserts that complete meanwhile are
   * recorded by `observe`, so none is missed between the reads and now. A smaller index is read in fewer slices of
   * about as many ids (slicesFor): 512 statements cost ≈3–7 s whatever they hold (300,000 ids: 2.9–3.4 s in 512
   * slices, 0.24–0.31 s in the 16 slicesFor gives).
   */
  async load(store: Store, slices?: number): Promise<void> {
    try {
      const [stored] = await store.query<{ n: number }>('SELECT count() AS n FROM event_ids', {}, { background: true });
      const n = Number(stored?.n ?? 0);
      if (n > this.maxSlots * LOAD_FACTOR) {
        this.giveUp();
        return;
      }
      slices ??= slicesFor(n);
      const width = (1n << 128n) / BigInt(slices);
      for (let k = 0; k < slices; k++) {
        if (this.unusable || this.stopped) return;
        const from = width * BigInt(k);
        const to = k === slices - 1 ? (1n << 128n) - 1n : from + width - 1n;
        const rows = await store.query<{ a: string; ids: string }>(
          `SELECT account_id AS a, arrayStringConcat(groupArray(hex(reinterpretAsFixedString(toUInt64(bitAnd(id_hash, toUInt128('18446744073709551615'))))))) AS ids
           FROM event_ids WHERE id_hash BETWEEN {from:UInt128} AND {to:UInt128} GROUP BY account_id`,
          { from: from.toString(), to: to.toString() },
          { blockCache: false, background: true },
        );
        for (const r of rows) {
          const [alo, ahi] = this.accountKey(r.a);
          const bytes = Buffer.from(r.ids, 'hex');
          for (let o = 0; o + 8 <= bytes.length; o += 8) this.put((bytes.readUInt32LE(o) ^ alo) >>> 0, (bytes.readUInt32LE(o + 4) ^ ahi) >>> 0);
        }
        await new Promise((resolve) => setImmediate(resolve)); // requests waiting on the event loop first
      }
      this.loaded = true;
    } catch (err) {
      this.giveUp();
      throw err;
    }
  }

  /** Ends a load under way after its current slice (the store is closing). */
  stop(): void {
    this.stopped = true;
  }

  private giveUp(): void {
    this.unusable = true;
    this.slots = new Uint32Array(2);
    this.mask = 0;
    this.count = 0;
  }

  private accountKey(account: string): [number, number] {
    let k = this.accounts.get(account);
    if (!k) this.accounts.set(account, (k = sipHash128Low64(account)));
    return k;
  }

  private key(account: string, id: string): [number, number] {
    const [lo, hi] = sipHash128Low64(id);
    const [alo, ahi] = this.accountKey(account);
    return [(lo ^ alo) >>> 0, (hi ^ ahi) >>> 0];
  }

  private find(lo: number, hi: number): boolean {
    if (lo === 0 && hi === 0) hi = 1;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const l = this.slots[2 * i]!;
      const h = this.slots[2 * i + 1]!;
      if (l === 0 && h === 0) return false;
      if (l === lo && h === hi) return true;
    }
  }

  private put(lo: number, hi: number): void {
    if (this.unusable) return;
    if (lo === 0 && hi === 0) hi = 1;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const l = this.slots[2 * i]!;
      const h = this.slots[2 * i + 1]!;
      if (l === lo && h === hi) return;
      if (l === 0 && h === 0) {
        this.slots[2 * i] = lo;
        this.slots[2 * i + 1] = hi;
        this.count++;
        if (this.count > (this.mask + 1) * LOAD_FACTOR) this.grow();
        return;
      }
    }
  }

  private grow(): void {
    const slots = (this.mask + 1) * 2;
    if (slots > this.maxSlots) {
      this.giveUp();
      return;
    }
    const old = this.slots;
    this.slots = new Uint32Array(slots * 2);
    this.mask = slots - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0 || old[i + 1] !== 0) this.put(old[i]!, old[i + 1]!);
  }
}
