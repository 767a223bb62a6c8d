/**
 * A 32-bit seed from any mix of numbers and strings (FNV-1a, then a murmur finaliser), so a
 * sub-stream (one image, one pass) gets its own seed that depends only on what names it, not on
 * how many random numbers were drawn before it.
 */
export function hashSeed(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  const text = parts.map((p) => (typeof p === 'number' ? `n${p}` : `s${p}`)).join('\u0000');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
