import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { isCxrError } from '@cxr/core';
import { decodeNpy, encodeNpy } from '../src/index.js';
import { readNpy, writeNpy } from '../src/node.js';
import { tempDir, useCpu } from './fixtures.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/npy/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

/** The formulas of scripts/make-npy-fixtures.py. */
const base = Array.from({ length: 24 }, (_, i) => i);
const f4Values = base.map((v) => v * 0.25 - 3);
const i4Values = base.map((v) => v * 1000 - 7000);

const PYTHON = '/usr/bin/python3';
const numpyProblem = ((): string | null => {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `numpy cannot be imported by ${PYTHON}`;
  }
})();

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  await useCpu();
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

async function expectCode(promise: Promise<unknown>, code: string, text?: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isCxrError(error), `expected a CxrError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  if (text) expect((error as Error).message).toMatch(text);
}

describe('readNpy: files written by NumPy', () => {
  it('reads float32, float64, int32, uint8, bool in C order', async () => {
    const f4 = await readNpy(fixture('f4_2x3x4.npy'));
    expect(f4).toMatchObject({ dtype: 'float32', shape: [2, 3, 4], descr: '<f4' });
    expect(f4.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f4.data)).toEqual(f4Values);

    const f8 = await readNpy(fixture('f8_2x3x4.npy'));
    expect(f8).toMatchObject({ dtype: 'float64', shape: [2, 3, 4] });
    expect(f8.data).toBeInstanceOf(Float64Array);
    expect(Array.from(f8.data)).toEqual(base.map((v) => v / 3));

    const i4 = await readNpy(fixture('i4_2x3x4.npy'));
    expect(i4).toMatchObject({ dtype: 'int32', shape: [2, 3, 4] });
    expect(Array.from(i4.data)).toEqual(i4Values);

    const u1 = await readNpy(fixture('u1_4x5x3.npy'));
    expect(u1).toMatchObject({ dtype: 'uint8', shape: [4, 5, 3], descr: '|u1' });
    expect(Array.from(u1.data)).toEqual(Array.from({ length: 60 }, (_, i) => (i * 4) % 256));

    const b1 = await readNpy(fixture('b1_5.npy'));
    expect(b1).toMatchObject({ dtype: 'bool', shape: [5] });
    expect(Array.from(b1.data)).toEqual([1, 0, 0, 1, 1]);
  });

  it('reads int64 labels (NumPy default int) as int32, big-endian, format 2.0, scalars and empty arrays', async () => {
    const labels = await readNpy(fixture('i8_labels.npy'));
    expect(labels).toMatchObject({ dtype: 'int32', shape: [6], descr: '<i8' });
    expect(Array.from(labels.data)).toEqual([0, 1, 2, 2, 1, 0]);

    const bigF = await readNpy(fixture('f4_big_endian.npy'));
    expect(bigF).toMatchObject({ dtype: 'float32', shape: [2, 3, 4], descr: '>f4' });
    expect(Array.from(bigF.data)).toEqual(f4Values);
    const bigI = await readNpy(fixture('i4_big_endian.npy'));
    expect(Array.from(bigI.data)).toEqual(i4Values);

    const bytes = await readFile(fixture('f4_v2.npy'));
    expect(bytes[6]).toBe(2);
    const v2 = await readNpy(fixture('f4_v2.npy'));
    expect(v2).toMatchObject({ dtype: 'float32', shape: [2, 3, 4] });
    expect(Array.from(v2.data)).toEqual(f4Values);

    const scalar = await readNpy(fixture('f4_scalar.npy'));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([2.5]);
    const empty = await readNpy(fixture('f4_empty.npy'));
    expect(empty.shape).toEqual([0, 3]);
    expect(empty.data.length).toBe(0);
  });

  it('refuses Fortran order, complex dtypes and int64 values outside int32 with E_BAD_ARGUMENT', async () => {
    await expectCode(readNpy(fixture('f4_fortran.npy')), 'E_BAD_ARGUMENT', /Fortran.*ascontiguousarray/);
    await expectCode(readNpy(fixture('c8.npy')), 'E_BAD_ARGUMENT', /'<c8'/);
    await expectCode(readNpy(fixture('i8_too_big.npy')), 'E_BAD_ARGUMENT', /outside int32/);
  });

  it('refuses damaged files with E_IO and a missing file with E_NOT_FOUND', async () => {
    const good = await readFile(fixture('f4_2x3x4.npy'));
    const write = async (name: string, bytes: Uint8Array | string): Promise<string> => {
      const path = join(tmp.dir, name);
      await writeFile(path, bytes);
      return path;
    };
    await expectCode(readNpy(await write('truncated-data.npy', good.subarray(0, good.length - 5))), 'E_IO', /truncated data/);
    await expectCode(readNpy(await write('truncated-header.npy', good.subarray(0, 40))), 'E_IO', /truncated header/);
    await expectCode(readNpy(await write('bad-magic.npy', Buffer.concat([Buffer.from('PK\u0003\u0004xx'), good.subarray(6)]))), 'E_IO', /magic/);
    await expectCode(readNpy(await write('tiny.npy', good.subarray(0, 3))), 'E_IO');
    await expectCode(readNpy(await write('empty.npy', new Uint8Array(0))), 'E_IO');
    const badVersion = Uint8Array.from(good);
    badVersion[6] = 9;
    await expectCode(readNpy(await write('version.npy', badVersion)), 'E_IO', /version 9/);
    const garbled = Uint8Array.from(good);
    garbled.set(Buffer.from('{"descr": <f4'), 10);
    await expectCode(readNpy(await write('garbled.npy', garbled)), 'E_IO', /header/);
    await expectCode(readNpy(join(tmp.dir, 'nope.npy')), 'E_NOT_FOUND');
  });
});

describe('writeNpy', () => {
  it('round-trips typed arrays and tensors, with NumPy-aligned headers', async () => {
    const f = Float32Array.from(f4Values);
    await writeNpy(join(tmp.dir, 'rt-f4.npy'), f, [2, 3, 4]);
    const back = await readNpy(join(tmp.dir, 'rt-f4.npy'));
    expect(back).toMatchObject({ dtype: 'float32', shape: [2, 3, 4] });
    expect(Array.from(back.data)).toEqual(f4Values);
    // Byte-identical to NumPy's own file for the same array.
    expect(Buffer.from(await readFile(join(tmp.dir, 'rt-f4.npy'))).equals(await readFile(fixture('f4_2x3x4.npy')))).toBe(true);
    expect(Buffer.from(encodeNpy(Float64Array.from(base, (v) => v / 3), [2, 3, 4])).equals(await readFile(fixture('f8_2x3x4.npy')))).toBe(true);

    const before = tf.memory().numTensors;
    const t = tf.tensor3d(i4Values, [2, 3, 4], 'int32');
    await writeNpy(join(tmp.dir, 'rt-i4.npy'), t);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(Buffer.from(await readFile(join(tmp.dir, 'rt-i4.npy'))).equals(await readFile(fixture('i4_2x3x4.npy')))).toBe(true);

    const decoded = decodeNpy(encodeNpy(Uint8Array.from([1, 0, 1]), [3], { bool: true }));
    expect(decoded).toMatchObject({ dtype: 'bool', shape: [3] });
  });

  it('refuses a shape that does not fit and unsupported arrays with E_BAD_ARGUMENT', async () => {
    await expectCode(writeNpy(join(tmp.dir, 'x.npy'), new Float32Array(6), [4, 2]), 'E_BAD_ARGUMENT', /holds 8 values/);
    await expectCode(writeNpy(join(tmp.dir, 'x.npy'), new Int16Array(4) as unknown as Float32Array), 'E_BAD_ARGUMENT', /Int16Array/);
    const t = tf.tensor1d([1, 2]);
    await expectCode(writeNpy(join(tmp.dir, 'x.npy'), t, [1, 2]), 'E_BAD_ARGUMENT', /reshape/);
    t.dispose();
  });

  it.skipIf(numpyProblem !== null)(`NumPy reads what writeNpy writes${numpyProblem ? ` (skipped: ${numpyProblem})` : ''}`, async () => {
    const image = tf.tidy(() => tf.reshape(tf.linspace(0, 1, 5 * 4 * 3), [5, 4, 3]) as tf.Tensor3D);
    await writeNpy(join(tmp.dir, 'py-image.npy'), image);
    const imageValues = Array.from(await image.data());
    image.dispose();
    await writeNpy(join(tmp.dir, 'py-i4.npy'), Int32Array.from(i4Values), [4, 6]);
    await writeNpy(join(tmp.dir, 'py-u1.npy'), Uint8Array.from([0, 7, 128, 255]), [2, 2]);
    const script = [
      'import json, sys, numpy as np',
      'out = {}',
      "for name in ['py-image', 'py-i4', 'py-u1']:",
      "    a = np.load(sys.argv[1] + '/' + name + '.npy', allow_pickle=False)",
      "    out[name] = {'dtype': a.dtype.str, 'shape': list(a.shape), 'c': bool(a.flags['C_CONTIGUOUS']), 'values': a.ravel().tolist()}",
      'print(json.dumps(out))',
    ].join('\n');
    const result = JSON.parse(execFileSync(PYTHON, ['-c', script, tmp.dir], { encoding: 'utf8' })) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
    expect(result['py-image']).toMatchObject({ dtype: '<f4', shape: [5, 4, 3], c: true });
    expect(result['py-image']!.values).toEqual(imageValues);
    expect(result['py-i4']).toEqual({ dtype: '<i4', shape: [4, 6], c: true, values: i4Values });
    expect(result['py-u1']).toEqual({ dtype: '|u1', shape: [2, 2], c: true, values: [0, 7, 128, 255] });
  });
});
