import { CxrError } from '@cxr/core';

export type MonitorMode = 'auto' | 'min' | 'max';

/**
 * The direction of a monitored quantity, as Keras decides it: 'min' or 'max' as given;
 * 'auto' is 'max' for names containing 'acc' or 'auc' (accuracy, val_categorical_accuracy,
 * val_auc, …) and 'min' otherwise (loss, val_loss, …).
 */
export function resolveMode(monitor: string, mode: MonitorMode = 'auto', where = 'callback'): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new CxrError('E_BAD_ARGUMENT', `${where}: mode must be 'auto', 'min' or 'max', got "${String(mode)}".`);
  return /acc|auc/.test(monitor) ? 'max' : 'min';
}

/** `current` beats `reference` by more than `minDelta` in the monitored direction (Keras `_is_improvement`). */
export function isImprovement(mode: 'min' | 'max', current: number, reference: number, minDelta = 0): boolean {
  return mode === 'max' ? current - minDelta > reference : current + minDelta < reference;
}

/**
 * Reads the monitored metric from an epoch's logs; when it is missing (or NaN) it warns once per
 * training run, as Keras does, and returns undefined so the callback skips the epoch.
 */
export function monitorReader(monitor: string, where: string) {
  let warned = false;
  return {
    read(logs: Record<string, number>): number | undefined {
      const current = logs[monitor];
      if (current !== undefined && !Number.isNaN(current)) return current;
      if (!warned) {
        console.warn(`${where}: metric "${monitor}" is not in the logs (available: ${Object.keys(logs).join(', ')}); skipping.`);
        warned = true;
      }
      return undefined;
    },
    /** Warn again in the next run. */
    reset(): void {
      warned = false;
    },
  };
}
