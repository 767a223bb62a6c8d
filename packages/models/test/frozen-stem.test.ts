import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createBackbone, freeze, splitFrozenStem, transferModel, unfreeze } from '@cxr/models';
import { expectNoLeaks } from '@cxr/testing';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

/** A MobileNetV2 body + GAP · Dense head (no dropout, so training-mode runs are deterministic). */
function smallTransfer(frozen: boolean): tfl.LayersModel {
  const backbone = createBackbone('mobilenetv2', { inputShape: [32, 32, 3], alpha: 0.35, seed: 3 });
  return transferModel({
    backbone,
    freeze: frozen,
    freezeOptions: { batchNormInference: true },
    head: (features) => {
      const pooled = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(features);
      return tfl.layers
        .dense({ name: 'out', units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) })
        .apply(pooled) as tfl.SymbolicTensor;
    },
  });
}

const lossOf = (out: tf.Tensor): tf.Scalar => tf.mean(tf.square(tf.sub(out, tf.tensor2d([[1, 0, 0], [0, 1, 0]])))) as tf.Scalar;

function gradsVia(model: tfl.LayersModel, x: tf.Tensor, useSplit: boolean): { loss: number; grads: Record<string, Float32Array> } {
  const split = useSplit ? splitFrozenStem(model) : null;
  if (useSplit && !split) throw new Error('expected a split');
  const stem = split ? split.runStem(x, true) : [];
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => lossOf((split ? split.runRest(x, stem, true) : model.apply(x, { training: true })) as tf.Tensor), vars);
  const out = { loss: value.dataSync()[0] as number, grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.dataSync() as Float32Array])) };
  tf.dispose([value, ...Object.values(grads), ...stem]);
  return out;
}

describe('splitFrozenStem', () => {
  it('puts a frozen backbone in the stem and the head on the tape', () => {
    const model = smallTransfer(true);
    const split = splitFrozenStem(model);
    expect(split).not.toBeNull();
    // Every backbone layer but the input runs in the stem; the head (pooling included: it has no weights) is frozen too, only the Dense is taped.
    expect(split?.trainableNodes).toBe(1);
    expect(split?.stemNodes).toBe(model.layers.length - 1 - 1);
  });

  it('gives the same outputs and the same gradients as model.apply on the tape', () => {
    const model = smallTransfer(true);
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 7);
    const split = splitFrozenStem(model) as NonNullable<ReturnType<typeof splitFrozenStem>>;
    const stem = split.runStem(x, false);
    const viaSplit = split.runRest(x, stem, false);
    const direct = model.apply(x, { training: false }) as tf.Tensor;
    expect(Array.from(viaSplit.dataSync())).toEqual(Array.from(direct.dataSync()));
    tf.dispose([viaSplit, direct, ...stem]);

    const a = gradsVia(model, x, true);
    const b = gradsVia(model, x, false);
    expect(a.loss).toBe(b.loss);
    expect(Object.keys(a.grads).sort()).toEqual(Object.keys(b.grads).sort());
    for (const k of Object.keys(a.grads)) expect(Array.from(a.grads[k] as Float32Array)).toEqual(Array.from(b.grads[k] as Float32Array));
    x.dispose();
  });

  it('holds far fewer bytes when the backward pass starts (stem activations are not kept for it)', () => {
    const model = smallTransfer(true);
    const x = tf.randomUniform([8, 32, 32, 3], -1, 1, 'float32', 8);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    /** Bytes alive at the end of the forward pass, i.e. what the backward pass starts with. */
    const liveAtBackward = (useSplit: boolean): number => {
      const before = tf.memory().numBytes;
      let live = 0;
      const split = useSplit ? splitFrozenStem(model) : null;
      const stem = split ? split.runStem(x, true) : [];
      const { value, grads } = tf.variableGrads(() => {
        const out = (split ? split.runRest(x, stem, true) : model.apply(x, { training: true })) as tf.Tensor;
        const loss = tf.mean(tf.square(tf.sub(out, y))) as tf.Scalar;
        live = tf.memory().numBytes - before;
        return loss;
      }, vars);
      tf.dispose([value, ...Object.values(grads), ...stem]);
      return live;
    };
    const taped = liveAtBackward(false);
    const split = liveAtBackward(true);
    expect(split).toBeLessThan(taped * 0.2);
    tf.dispose([x, y]);
  });

  it('leaks no tensors over many steps', async () => {
    const model = smallTransfer(true);
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 9);
    await expectNoLeaks(() => void gradsVia(model, x, true), { runs: 20, warmup: true });
    x.dispose();
  });

  it('follows the trainable flags: nothing to split when all is trainable, a shorter stem when part is', () => {
    const model = smallTransfer(false);
    expect(splitFrozenStem(model)).toBeNull();
    freeze(model, { to: 10 });
    const partial = splitFrozenStem(model);
    expect(partial?.stemNodes).toBeGreaterThan(0);
    expect(partial?.stemNodes).toBeLessThan(10);
    unfreeze(model);
    expect(splitFrozenStem(model)).toBeNull();
  });

  it('keeps skip connections that jump from the stem into the trainable part', () => {
    const input = tfl.input({ shape: [4] });
    const frozen = tfl.layers.dense({ units: 4, name: 'frozen', trainable: false }).apply(input) as tfl.SymbolicTensor;
    const trained = tfl.layers.dense({ units: 4, name: 'trained' }).apply(frozen) as tfl.SymbolicTensor;
    const merged = tfl.layers.add().apply([trained, frozen, input] as tfl.SymbolicTensor[]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: merged });
    const split = splitFrozenStem(model) as NonNullable<ReturnType<typeof splitFrozenStem>>;
    expect(split.stemNodes).toBe(1);
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const stem = split.runStem(x, false);
    const a = split.runRest(x, stem, false);
    const b = model.apply(x) as tf.Tensor;
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([x, a, b, ...stem]);
  });
});
