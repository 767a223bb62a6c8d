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
