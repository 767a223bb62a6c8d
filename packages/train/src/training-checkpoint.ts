import { createHash } from 'node:crypto';
import { access, mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CxrError } from '@cxr/core';
import { recoverDir, replaceDirAtomic, type ReplacePhase } from './atomic-dir.js';
import type { Callback, CallbackState } from './callbacks.js';
import {
  captureTrainingState,
  checkCheckpointVersion,
  type OptimizerState,
  type TensorRecord,
  type TrainingCheckpoint,
} from './training-state.js';

/** The manifest, written last: a directory with it is complete. */
const MANIFEST = 'checkpoint.json';
/** All tensors (weights, then optimizer state) back to back, little-endian as in memory. */
const TENSORS = 'tensors.bin';

/** `replaceDirAtomic` phases, plus 'partial': tensors written, manifest not yet (test hook). */
export type TrainingCheckpointPhase = ReplacePhase | 'partial';

export interface TrainingCheckpointOptions {
  /** Save after every `every`-th epoch (default 1), and always after the last one. */
  every?: number;
  /** @internal Test hook: awaited at each phase of a save. */
  onPhase?: (phase: TrainingCheckpointPhase, tmpDir: string) => Promise<void> | void;
}

export interface TrainingCheckpointCallback extends Callback {
  /** Epochs saved by this callback. */
  readonly saved: readonly number[];
}

interface TensorEntry {
  name: string;
  shape: number[];
  dtype: TensorRecord['dtype'];
  offset: number;
  byteLength: number;
}

type Manifest = Omit<TrainingCheckpoint, 'weights' | 'optimizer' | 'callbacks'> & {
  callbacks: Array<(Omit<CallbackState, 'tensors'> & { tensors?: TensorEntry[] }) | null>;
  tensorsSha256: string;
  tensorsBytes: number;
  weights: TensorEntry[];
  optimizer: Omit<OptimizerState, 'variables' | 'slots'> & {
    variables: Record<string, TensorEntry>;
    slots: Record<string, Array<TensorEntry | null>>;
  };
};

/** JSON keeps ±Infinity and NaN (an untouched `best`, NaN-padded history series) as tagged strings. */
const NON_FINITE = '$nonFinite';
const encode = (_key: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [NON_FINITE]: String(v) } : v);
const decode = (_key: string, v: unknown) =>
  v !== null && typeof v === 'object' && NON_FINITE in v ? Number((v as Record<string, string>)[NON_FINITE]) : v;

const exists = (path: string) => access(path).then(() => true, () => false);
const isComplete = (dir: string) => exists(join(dir, MANIFEST));

async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Lay the tensors out in one buffer and describe where each one is. */
function pack(cp: TrainingCheckpoint): { manifest: Manifest; bytes: Uint8Array } {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const entry = (r: TensorRecord): TensorEntry => {
    const bytes = new Uint8Array(r.values.buffer, r.values.byteOffset, r.values.byteLength);
    chunks.push(bytes);
    const e = { name: r.name, shape: r.shape, dtype: r.dtype, offset, byteLength: bytes.byteLength };
    offset += bytes.byteLength;
    return e;
  };
  const { weights, optimizer, callbacks, ...rest } = cp;
  const manifestWithoutHash = {
    ...rest,
    weights: weights.map(entry),
    callbacks: callbacks.map((c) => (c ? { kind: c.kind, numbers: c.numbers, ...(c.tensors ? { tensors: c.tensors.map(entry) } : {}) } : null)),
    optimizer: {
      className: optimizer.className,
      numbers: optimizer.numbers,
      variables: Object.fromEntries(Object.entries(optimizer.variables).map(([k, r]) => [k, entry(r)])),
      slots: Object.fromEntries(Object.entries(optimizer.slots).map(([k, rs]) => [k, rs.map((r) => (r ? entry(r) : null))])),
    },
  };
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  const tensorsSha256 = createHash('sha256').update(bytes).digest('hex');
  return { manifest: { ...manifestWithoutHash, tensorsSha256, tensorsBytes: bytes.byteLength }, bytes };
}

const corrupt = (dir: string, reason: string, cause?: unknown): CxrError =>
  new CxrError('E_CHECKPOINT_CORRUPT', `Training checkpoint ${dir} is unusable: ${reason} Resume from an earlier checkpoint or start over.`, {
    path: dir,
    cause,
  });

function unpack(dir: string, manifest: Manifest, bytes: Uint8Array): TrainingCheckpoint {
  const read = (e: TensorEntry): TensorRecord => {
    const size = e.shape.reduce((a, b) => a * b, 1);
    const width = e.dtype === 'bool' ? 1 : 4;
    if (e.byteLength !== size * width || e.offset < 0 || e.offset + e.byteLength > bytes.byteLength) {
      throw corrupt(dir, `tensor ${e.name} does not fit ${TENSORS}.`);
    }
    // A copy, aligned for the typed array.
    const slice = bytes.slice(e.offset, e.offset + e.byteLength).buffer;
    const values = e.dtype === 'float32' ? new Float32Array(slice) : e.dtype === 'int32' ? new Int32Array(slice) : new Uint8Array(slice);
    return { name: e.name, shape: e.shape, dtype: e.dtype, values };
  };
  const { tensorsSha256: _hash, tensorsBytes: _bytes, weights, optimizer, callbacks, ...rest } = manifest;
  return {
    ...rest,
    weights: weights.map(read),
    callbacks: (callbacks ?? []).map((c) => (c ? { kind: c.kind, numbers: c.numbers, ...(c.tensors ? { tensors: c.tensors.map(read) } : {}) } : null)),
    optimizer: {
      className: optimizer.className,
      numbers: optimizer.numbers,
      variables: Object.fromEntries(Object.entries(optimizer.variables).map(([k, e]) => [k, read(e)])),
      slots: Object.fromEntries(Object.entries(optimizer.slots).map(([k, es]) => [k, es.map((e) => (e ? read(e) : null))])),
    },
  };
}

/**
 * Write `cp` to directory `dir` atomically: into a temporary sibling (tensors, then the manifest
 * `checkpoint.json`, each flushed to disk), then swapped in by renames (`replaceDirAtomic`), so a
 * crash at any point leaves the previous checkpoint or the new one, never a mix. `E_IO` on failure.
 */
export async function saveTrainingCheckpoint(dir: string, cp: TrainingCheckpoint, options: Pick<TrainingCheckpointOptions, 'onPhase'> = {}): Promise<void> {
  const target = resolve(dir);
  const { manifest, bytes } = pack(cp);
  try {
    await replaceDirAtomic(
      target,
      async (tmp) => {
        await mkdir(tmp, { recursive: true });
        await writeSynced(join(tmp, TENSORS), bytes);
        await options.onPhase?.('partial', tmp);
        await writeSynced(join(tmp, MANIFEST), JSON.stringify(manifest, encode));
      },
      options.onPhase,
      isComplete,
    );
  } catch (error) {
    if (error instanceof CxrError) throw error;
    throw new CxrError('E_IO', `Could not write the training checkpoint ${target}: ${error instanceof Error ? error.message : String(error)}.`, {
      path: target,
      cause: error,
    });
  }
}

/**
 * Read a checkpoint written by `trainingCheckpoint` / `saveTrainingCheckpoint`, first repairing
 * an interrupted swap. Missing directory: `E_NOT_FOUND`; missing, truncated or altered files:
 * `E_CHECKPOINT_CORRUPT`; another format version: `E_CHECKPOINT_VERSION`. Pass the result to
 * `fit(model, data, { resume })`.
 */
export async function loadTrainingCheckpoint(dir: string): Promise<TrainingCheckpoint> {
  const target = resolve(dir);
  await recoverDir(target, isComplete);
  if (!(await exists(target))) {
    throw new CxrError('E_NOT_FOUND', `No training checkpoint at ${target}. Train with the trainingCheckpoint callback first.`, { path: target });
  }
  let text: string;
  let bytes: Uint8Array;
  try {
    text = await readFile(join(target, MANIFEST), 'utf8');
    bytes = new Uint8Array(await readFile(join(target, TENSORS)));
  } catch (error) {
    throw corrupt(target, `${MANIFEST} or ${TENSORS} cannot be read.`, error);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text, decode) as Manifest;
  } catch (error) {
    throw corrupt(target, `${MANIFEST} is not valid JSON.`, error);
  }
  checkCheckpointVersion(manifest, `loadTrainingCheckpoint(${target})`);
  if (bytes.byteLength !== manifest.tensorsBytes || createHash('sha256').update(bytes).digest('hex') !== manifest.tensorsSha256) {
    throw corrupt(target, `${TENSORS} does not match its checksum (truncated or altered).`);
  }
  return unpack(target, manifest, bytes);
}

/**
 * A `fit` callback that saves the whole training state (weights, optimizer state, epoch, run
 * seed, history) to `dir` after every `every`-th epoch, atomically, for `fit(…, { resume })`.
 * Put it last among the callbacks so that changes other callbacks make at the end of an epoch
 * (a reduced learning rate) are in the checkpoint. State kept inside other callbacks (early
 * stopping's patience counter) is not saved.
 */
export function trainingCheckpoint(dir: string, options: TrainingCheckpointOptions = {}): TrainingCheckpointCallback {
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) {
    throw new CxrError('E_BAD_ARGUMENT', `trainingCheckpoint: every must be a positive integer, got ${every}.`);
  }
  const saved: number[] = [];
  return {
    saved,
    async onEpochEnd(epoch, _logs, ctx) {
      if ((epoch + 1) % every !== 0 && epoch !== ctx.epochs - 1) return;
      await saveTrainingCheckpoint(dir, await captureTrainingState(ctx, epoch), options);
      saved.push(epoch);
    },
    async onTrainEnd(history, ctx) {
      // An early stop between two saves: keep the epoch training ended at.
      const last = history.epoch.at(-1);
      if (last === undefined || saved.includes(last)) return;
      await saveTrainingCheckpoint(dir, await captureTrainingState(ctx, last), options);
      saved.push(last);
    },
  };
}
