/**
 * `x` with `digits` decimals exactly as Python's `format(x, '.{digits}f')`: rounded half to even on
 * the exact binary value (`0.125` → `'0.12'`, `0.375` → `'0.38'`), where `toFixed` rounds ties up.
 * NaN and infinities as Python writes them.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const rounded = x.toFixed(digits);
  // A tie has an exact decimal expansion ending in 5 right after the kept digits; anything else is
  // farther than 1e-(digits + 30) from a tie for doubles of a sensible magnitude.
  const extra = Math.min(100, digits + 30) - digits;
  const long = Math.abs(x).toFixed(digits + extra);
  if (extra < 2 || long.slice(-extra) !== `5${'0'.repeat(extra - 1)}`) return rounded;
  let kept = long.slice(0, -extra);
  if (kept.endsWith('.')) kept = kept.slice(0, -1);
  const last = kept.charCodeAt(kept.length - 1) - 48;
  if (last % 2 === 1) return rounded; // toFixed rounded away from zero: onto the even digit
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return sign + kept;
}

/** Python's `'{:>{width}s}'`: right-aligned by code points, never truncated. */
export function padLeft(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : ' '.repeat(width - length) + text;
}
