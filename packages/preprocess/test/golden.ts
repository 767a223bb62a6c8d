import { readFileSync } from 'node:fs';

/** A fixture JSON written by scripts/golden_clahe.py, next to this file. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

export const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** Agreement of two uint8 images: share of pixels within ±1, exact share, largest difference. */
export function agreement(actual: ArrayLike<number>, expected: ArrayLike<number>): { within1: number; exact: number; maxDiff: number } {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let within1 = 0;
  let exact = 0;
  let maxDiff = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs((actual[i] as number) - (expected[i] as number));
    if (d <= 1) within1++;
    if (d === 0) exact++;
    if (d > maxDiff) maxDiff = d;
  }
  return { within1: within1 / actual.length, exact: exact / actual.length, maxDiff };
}
