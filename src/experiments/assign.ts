/**
 * Deterministic assignment of contacts to an experiment's variants — pure, with no dependency (the SDK ships
 * the same function, so an engine can assign without a round trip and agree with the server).
 *
 * A contact's bucket is a number in [0, 1) from a hash of the experiment's salt and the contact id: 32-bit
 * FNV-1a over the UTF-8 bytes of `salt + ":" + contact`, then MurmurHash3's 32-bit finalizer (fmix32) so that
 * ids differing in one character spread over the whole range, divided by 2³². The variant is the one whose
 * share of the cumulative weights holds the bucket. So:
 * - the same contact always gets the same variant (as long as the weights do not change);
 * - the weights are respected (the buckets are uniform: test in assign.test.ts);
 * - two experiments assign independently, as each has its own random salt.
 * After a decision rolled out to a winner, every contact gets the winner; a rollback restores the split.
 */

export interface AssignableVariant {
  key: string;
  weight: number;
}

export interface Assignable {
  salt: string;
  variants: readonly AssignableVariant[];
  /** The variant every contact gets after a rollout, or null while the split holds. */
  rollout: string | null;
}

/** 32-bit FNV-1a of a string's UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** MurmurHash3's finalizer: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The contact's position in [0, 1) for the experiment with this salt. */
export function bucketOf(salt: string, contact: string): number {
  return fmix32(fnv1a32(`${salt}:${contact}`)) / 4294967296;
}

/** The variant whose cumulative weight share holds the bucket. */
export function variantAt(variants: readonly AssignableVariant[], bucket: number): string {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let edge = 0;
  for (const v of variants) {
    edge += v.weight / total;
    if (bucket < edge) return v.key;
  }
  return variants[variants.length - 1]!.key;
}

export interface Assignment {
  variant: string;
  reason: 'split' | 'rollout';
  bucket: number;
}

/** The variant of a contact in an experiment. */
export function assign(e: Assignable, contact: string): Assignment {
  const bucket = bucketOf(e.salt, contact);
  if (e.rollout !== null) return { variant: e.rollout, reason: 'rollout', bucket };
  return { variant: variantAt(e.variants, bucket), reason: 'split', bucket };
}
