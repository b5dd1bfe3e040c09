/**
 * The engine's `sipHash128` (SipHash-2-4, keys 0, ClickHouse's own 128-bit finalization) of a string's UTF-8 bytes,
 * in JavaScript: the event-id index (event_ids.id_hash) holds exactly this hash, so the process can recognise an id
 * the engine stored without asking it (stored-ids.ts). 64-bit words are kept as pairs of unsigned 32-bit halves.
 * Returns the low 64 bits of `reinterpretAsUInt128(sipHash128(s))` as [low 32, high 32] (the test checks it
 * against the engine on many strings).
 */

// state: v0..v3 as hi/lo halves
let v0h = 0, v0l = 0, v1h = 0, v1l = 0, v2h = 0, v2l = 0, v3h = 0, v3l = 0;

function round(): void {
  let lo: number, h: number, l: number;
  // v0 += v1
  lo = (v0l + v1l) >>> 0; v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0; v0l = lo;
  // v1 = rotl(v1, 13) ^ v0
  h = ((v1h << 13) | (v1l >>> 19)) >>> 0; l = ((v1l << 13) | (v1h >>> 19)) >>> 0;
  v1h = (h ^ v0h) >>> 0; v1l = (l ^ v0l) >>> 0;
  // v0 = rotl(v0, 32)
  h = v0h; v0h = v0l; v0l = h;
  // v2 += v3
  lo = (v2l + v3l) >>> 0; v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0; v2l = lo;
  // v3 = rotl(v3, 16) ^ v2
  h = ((v3h << 16) | (v3l >>> 16)) >>> 0; l = ((v3l << 16) | (v3h >>> 16)) >>> 0;
  v3h = (h ^ v2h) >>> 0; v3l = (l ^ v2l) >>> 0;
  // v0 += v3
  lo = (v0l + v3l) >>> 0; v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0; v0l = lo;
  // v3 = rotl(v3, 21) ^ v0
  h = ((v3h << 21) | (v3l >>> 11)) >>> 0; l = ((v3l << 21) | (v3h >>> 11)) >>> 0;
  v3h = (h ^ v0h) >>> 0; v3l = (l ^ v0l) >>> 0;
  // v2 += v1
  lo = (v2l + v1l) >>> 0; v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0; v2l = lo;
  // v1 = rotl(v1, 17) ^ v2
  h = ((v1h << 17) | (v1l >>> 15)) >>> 0; l = ((v1l << 17) | (v1h >>> 15)) >>> 0;
  v1h = (h ^ v2h) >>> 0; v1l = (l ^ v2l) >>> 0;
  // v2 = rotl(v2, 32)
  h = v2h; v2h = v2l; v2l = h;
}

function absorb(mh: number, ml: number): void {
  v3h = (v3h ^ mh) >>> 0; v3l = (v3l ^ ml) >>> 0;
  round();
  round();
  v0h = (v0h ^ mh) >>> 0; v0l = (v0l ^ ml) >>> 0;
}

const encoder = new TextEncoder();
const scratch = new Uint8Array(1024);

/** [low 32 bits, high 32 bits] of the low 64 bits of the engine's reinterpretAsUInt128(sipHash128(text)). */
export function sipHash128Low64(text: string): [number, number] {
  let bytes: Uint8Array;
  let n: number;
  // ASCII ids (the usual case) need no encoder
  let ascii = text.length <= scratch.length;
  if (ascii) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) {
        ascii = false;
        break;
      }
      scratch[i] = c;
    }
  }
  if (ascii) {
    bytes = scratch;
    n = text.length;
  } else {
    bytes = encoder.encode(text);
    n = bytes.length;
  }
  v0h = 0x736f6d65; v0l = 0x70736575;
  v1h = 0x646f7261; v1l = 0x6e646f6d;
  v2h = 0x6c796765; v2l = 0x6e657261;
  v3h = 0x74656462; v3l = 0x79746573;
  const whole = n - (n % 8);
  for (let i = 0; i < whole; i += 8) {
    const ml = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    const mh = (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24)) >>> 0;
    absorb(mh, ml);
  }
  // the last word: the remaining bytes, and the length (mod 256) in its top byte
  let ml = 0;
  let mh = ((n & 0xff) << 24) >>> 0;
  for (let i = whole; i < n; i++) {
    const shift = (i - whole) * 8;
    if (shift < 32) ml = (ml | (bytes[i]! << shift)) >>> 0;
    else mh = (mh | (bytes[i]! << (shift - 32))) >>> 0;
  }
  absorb(mh, ml);
  v2l = (v2l ^ 0xff) >>> 0;
  round();
  round();
  round();
  round();
  return [(v0l ^ v1l) >>> 0, (v0h ^ v1h) >>> 0];
}
