import { resolve } from 'node:path';
import { CxrError } from '@cxr/core';
import { loadModel, saveModel } from '@cxr/models/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Callback } from './callbacks.js';
import type { EpochLogs } from './history.js';
import { isImprovement, resolveMode, type MonitorMode } from './monitor.js';
import { recoverDir, replaceDirAtomic, type ReplacePhase } from './atomic-dir.js';

export interface ModelCheckpointOptions {
  /** Metric compared with `saveBestOnly`. Default 'val_loss'. */
  monitor?: string;
  /** 'auto' (default): max for names containing 'acc' or 'auc', else min. */
  mode?: MonitorMode;
  /** Save only when `monitor` improves on the best so far (default false: every epoch). */
  saveBestOnly?: boolean;
  /** Stored in model.json's userDefinedMetadata next to `{ epoch, logs }`. */
  metadata?: Record<string, unknown>;
  /** @internal Test hook: awaited at each phase of the directory swap. */
  onPhase?: (phase: ReplacePhase, tmpDir: string) => Promise<void> | void;
}

export interface ModelCheckpoint extends Callback {
  readonly monitor: string;
  readonly mode: 'min' | 'max';
  readonly best: number;
  /** Epochs saved so far. */
  readonly saved: readonly number[];
}

/** `{epoch}` / `{epoch:02d}` (1-based, as Keras) and `{metric}` / `{metric:.4f}` in the path. */
function formatPath(template: string, epoch: number, logs: EpochLogs): string {
  return template.replace(/\{(\w+)(?::(0?)(\d*)(?:\.(\d+))?([df]))?\}/g, (whole, key: string, zero: string, width: string, digits: string, kind: string) => {
    const value = key === 'epoch' ? epoch + 1 : logs[key];
    if (value === undefined) return whole;
    let text = kind === 'f' ? value.toFixed(digits ? Number(digits) : 6) : kind === 'd' ? String(Math.trunc(value)) : String(value);
    if (width) text = text.padStart(Number(width), zero ? '0' : ' ');
    return text;
  });
}

/**
 * Keras' `ModelCheckpoint` for Node: after each epoch, save the model (`model.json` +
 * `weights.bin`, @cxr/models/node `saveModel`) to `dir` — every epoch, or with `saveBestOnly`
 * only when `monitor` improved. `dir` may contain `{epoch:02d}` or `{val_auc:.4f}` like Keras' filepath.
 *
 * Atomic at the directory level: the model is written to a temporary sibling directory,
 * then swapped in by renames (old away, new in, old removed), so a crash never leaves a half
 * model at `dir`; `loadCheckpoint` repairs an interrupted swap. The metadata holds `{ epoch, logs }`.
 * Failures are `CxrError` `E_IO` and fail `fit`.
 */
export function modelCheckpoint(dir: string, options: ModelCheckpointOptions = {}): ModelCheckpoint {
  const monitor = options.monitor ?? 'val_loss';
  const mode = resolveMode(monitor, options.mode, 'modelCheckpoint');
  const saveBestOnly = options.saveBestOnly ?? false;
  let best = mode === 'max' ? -Infinity : Infinity;
  const saved: number[] = [];
  let warned = false;

  return {
    monitor,
    mode,
    get best() {
      return best;
    },
    saved,
    onTrainBegin() {
      best = mode === 'max' ? -Infinity : Infinity;
      saved.length = 0;
    },
    async onEpochEnd(epoch, logs, ctx) {
      if (saveBestOnly) {
        const current = logs[monitor];
        if (current === undefined || Number.isNaN(current)) {
          if (!warned) console.warn(`modelCheckpoint: metric "${monitor}" is not in the logs; skipping saves.`);
          warned = true;
          return;
        }
        if (!isImprovement(mode, current, best)) return;
        best = current;
      }
      const target = resolve(formatPath(dir, epoch, logs));
      try {
        await replaceDirAtomic(
          target,
          async (tmp) => {
            await saveModel(ctx.model, tmp, { metadata: { ...(options.metadata ?? {}), epoch, logs: { ...logs } } });
          },
          options.onPhase,
        );
      } catch (error) {
        if (error instanceof CxrError) throw error;
        throw new CxrError('E_IO', `modelCheckpoint: could not replace ${target}: ${error instanceof Error ? error.message : String(error)}.`, {
          path: target,
          cause: error,
        });
      }
      saved.push(epoch);
    },
  };
}

/** Load a checkpoint directory written by `modelCheckpoint`, first repairing an interrupted swap. */
export async function loadCheckpoint(dir: string): Promise<tfl.LayersModel> {
  await recoverDir(dir);
  return loadModel(dir);
}
