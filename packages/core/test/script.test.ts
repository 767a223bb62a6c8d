import { describe, expect, it } from 'vitest';
import { CxrError } from '@cxr/core';
import { numberFlag, runMain } from '@cxr/core/node';

describe('numberFlag', () => {
  it('reads absent, integer and fractional flags', () => {
    expect(numberFlag('epochs', undefined, true, 'usage')).toBeUndefined();
    expect(numberFlag('epochs', '20', true, 'usage')).toBe(20);
    expect(numberFlag('lr', '0.001', false, 'usage')).toBe(0.001);
    expect(numberFlag('lr', '0', false, 'usage')).toBe(0);
  });

  it('rejects non-numbers, negatives and fractions for integers, naming the flag and showing the usage', () => {
    for (const [raw, integer] of [['ten', true], ['-1', true], ['1.5', true], ['Infinity', false], ['-0.1', false]] as const) {
      expect(() => numberFlag('epochs', raw, integer, 'USAGE TEXT')).toThrow(
        `--epochs must be a ${integer ? 'non-negative integer' : 'non-negative number'}, got "${raw}"\n\nUSAGE TEXT`,
      );
    }
  });
});

describe('runMain', () => {
  it('prints a CxrError as "error CODE: message" and exits with 1', async () => {
    const printed: unknown[] = [];
    const codes: number[] = [];
    await runMain(async () => {
      throw new CxrError('E_NOT_FOUND', 'no such folder');
    }, { error: (m) => printed.push(m), exit: (c) => codes.push(c) });
    expect(printed).toEqual(['error E_NOT_FOUND: no such folder']);
    expect(codes).toEqual([1]);
  });

  it('prints any other failure as it is, and does nothing when main succeeds', async () => {
    const printed: unknown[] = [];
    const codes: number[] = [];
    const hooks = { error: (m: unknown) => printed.push(m), exit: (c: number) => codes.push(c) };
    const plain = new Error('boom');
    await runMain(async () => {
      throw plain;
    }, hooks);
    await runMain(async () => undefined, hooks);
    expect(printed).toEqual([plain]);
    expect(codes).toEqual([1]);
  });
});
