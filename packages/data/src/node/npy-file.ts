import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CxrError, assertArgument, isCxrError } from '@cxr/core';
import { decodeNpy, encodeNpy, type NpyArray, type NpyWritable } from '../npy.js';

/**
 * Write a tensor or typed array as a NumPy `.npy` file (C order, little-endian, format 1.0; 2.0 for
 * huge headers), readable with `np.load(path)`. A tensor keeps its shape and dtype (float32 → `<f4`,
 * int32 → `<i4`, bool → `|b1`); a typed array (Float32Array, Int32Array, Uint8Array, Float64Array)
 * gets `shape` (default `[length]`). The file is written to a temporary name and renamed, so a
 * reader never sees half a file. Folders are created.
 *
 * Throws E_BAD_ARGUMENT (unsupported dtype, shape that does not match) or E_IO (cannot write).
 */
export async function writeNpy(path: string, data: tf.Tensor | NpyWritable, shape?: readonly number[]): Promise<void> {
  let bytes: Uint8Array;
  if (data instanceof tf.Tensor) {
    assertArgument(
      shape === undefined || (shape.length === data.shape.length && shape.every((d, i) => d === data.shape[i])),
      `writeNpy: shape [${shape?.join(', ')}] differs from the tensor's [${data.shape.join(', ')}]; reshape the tensor instead`,
    );
    assertArgument(data.dtype === 'float32' || data.dtype === 'int32' || data.dtype === 'bool', `writeNpy: a ${data.dtype} tensor cannot be written (float32, int32, bool)`);
    const values = await data.data();
    if (data.dtype === 'bool') bytes = encodeNpy(Uint8Array.from(values as Uint8Array), data.shape, { bool: true });
    else bytes = encodeNpy(values as Float32Array | Int32Array, data.shape);
  } else {
    bytes = encodeNpy(data, shape ?? [data.length]);
  }
  await writeFileAtomic(path, bytes);
}

/**
 * Read a NumPy `.npy` file → `{ data, shape, dtype, descr }` (see `decodeNpy` for the dtypes).
 * Throws E_NOT_FOUND (no file), E_IO (unreadable, or not a complete `.npy` file) or
 * E_BAD_ARGUMENT (a dtype or Fortran order this reader does not handle).
 */
export async function readNpy(path: string): Promise<NpyArray> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(error, path, 'read');
  }
  return decodeNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}

/** Write to `path.tmp-…`, then rename over `path`. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw fileError(error, path, 'write');
  }
}

function fileError(error: unknown, path: string, verb: 'read' | 'write'): CxrError {
  if (isCxrError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' && verb === 'read') return new CxrError('E_NOT_FOUND', `No such file: ${path}.`, { path, cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new CxrError('E_IO', `Cannot ${verb} ${path}: ${message}. Check the path and its permissions.`, { path, cause: error });
}
