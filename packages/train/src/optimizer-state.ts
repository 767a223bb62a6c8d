import * as tf from '@tensorflow/tfjs-core';
import { setLearningRate } from './reduce-lr-on-plateau.js';

interface SlotVariable {
  originalName: string;
  variable: tf.Variable;
}

const isSlotArray = (v: unknown): v is Array<SlotVariable | undefined> =>
  Array.isArray(v) && v.every((e) => e == null || (typeof e === 'object' && (e as SlotVariable).variable instanceof tf.Variable));

/**
 * Snapshot the whole state of a built-in tfjs optimizer (what `learn.save(with_opt=True)` keeps in
 * fastai) and return a function that puts it back, releasing the copies. Covers every own field:
 * numbers (learningRate, beta1, iterations_, …), tf.Variables (Adam's accBeta1/accBeta2) and slot
 * arrays ({ originalName, variable }[]: moments, accumulators). Slots that existed are assigned
 * their saved values; slots created after the snapshot are disposed and dropped, so the optimizer
 * is as it was (a fresh optimizer is fresh again). SGD/Momentum's cached −lr tensor is refreshed.
 */
export function snapshotOptimizer(optimizer: tf.Optimizer): () => void {
  return takeOptimizerSnapshot(optimizer).restore;
}

export interface OptimizerSnapshot {
  /** Put the state back and release the copies. */
  restore(): void;
  /** Keep the current state; release the copies. */
  discard(): void;
}

/**
 * `snapshotOptimizer` that can also be dropped without restoring (the NaN guard takes one per
 * step). `copy` makes the saved handles (default `tf.clone`).
 */
export function takeOptimizerSnapshot(optimizer: tf.Optimizer, copy: (t: tf.Tensor) => tf.Tensor = tf.clone): OptimizerSnapshot {
  const o = optimizer as unknown as Record<string, unknown>;
  const numbers = new Map<string, number>();
  const variables = new Map<string, tf.Tensor>();
  const slots = new Map<string, Array<tf.Tensor | undefined>>();
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (typeof v === 'number') numbers.set(key, v);
    else if (v instanceof tf.Variable) variables.set(key, copy(v));
    else if (isSlotArray(v)) slots.set(key, v.map((e) => (e ? copy(e.variable) : undefined)));
  }
  const discard = () => {
    tf.dispose([...variables.values()]);
    for (const saved of slots.values()) tf.dispose(saved.filter((s): s is tf.Tensor => !!s));
  };
  const restore = () => {
    for (const [key, value] of variables) {
      (o[key] as tf.Variable).assign(value);
      value.dispose();
    }
    for (const [key, saved] of slots) {
      const current = o[key] as Array<SlotVariable | undefined>;
      current.forEach((e, i) => {
        const s = saved[i];
        if (!e) return;
        if (s) e.variable.assign(s);
        else e.variable.dispose();
      });
      current.length = saved.length;
      for (let i = 0; i < saved.length; i++) if (!saved[i]) delete current[i];
      tf.dispose(saved.filter((s): s is tf.Tensor => !!s));
    }
    for (const [key, value] of numbers) o[key] = value;
    const lr = numbers.get('learningRate');
    if (lr !== undefined) setLearningRate(optimizer, lr);
  };
  return { restore, discard };
}
