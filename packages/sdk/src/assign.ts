/**
 * Deterministic assignment of contacts to an experiment's variants, the same function as the server's
 * (`POST /api/v1/experiments/{id}/assign`), so an engine can assign locally with the experiment's `salt`,
 * `variants` and `rollout` from `GET /api/v1/experiments/{id}` and agree with the server on every contact.
 *
 * bucket = fmix32(FNV-1a-32(UTF-8 of `salt + ":" + contact`)) / 2³², in [0, 1); the variant is the one whose
 * share of the cumulative weights holds the bucket; after a rollout every contact gets the rolled-out variant.
 * (A test in the Flowlens repository checks that this file and the server's agree on many inputs.)
 */

export interface AssignableVariant {
  key: string;
  weight: number;
}

/** The parts of an experiment (as `GET /api/v1/experiments/{id}` returns it) that assignment needs. */
export interface Assignable {
  salt: string;
  variants: readonly AssignableVariant[];
  /** The variant every contact gets after a rollout; null (or absent) while the split holds. */
  rollout?: string | null;
}

export interface Assignment {
  variant: string;
  reason: 'split' | 'rollout';
  /** The contact's position in [0, 1) for this experiment. */
  bucket: number;
}

const encoder = new TextEncoder();

/** 32-bit FNV-1a of a string's UTF-8 bytes. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finalizer. */
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
  if (variants.length === 0) throw new Error('an experiment has at least one variant');
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let edge = 0;
  for (const v of variants) {
    edge += v.weight / total;
    if (bucket < edge) return v.key;
  }
  return variants[variants.length - 1]!.key;
}

/** The variant of a contact in an experiment; send it as `variant` with the contact's `execution.started`. */
export function assign(experiment: Assignable, contactId: string): Assignment {
  const bucket = bucketOf(experiment.salt, contactId);
  if (experiment.rollout != null) return { variant: experiment.rollout, reason: 'rollout', bucket };
  return { variant: variantAt(experiment.variants, bucket), reason: 'split', bucket };
}
