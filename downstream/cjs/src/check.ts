// A CommonJS consumer: tsc compiles these imports to require() calls, so every package's CJS
// build and its .d.cts types are what is exercised. Exits non-zero on the first failed check.
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { CxrError, selectBackend } from '@cxr/core';
import { loadNativeAddon } from '@cxr/native';
import { phantomDataset } from '@cxr/data';
import { writePhantomFolder } from '@cxr/data/node';
import { resize } from '@cxr/preprocess';
import { lungClassifier } from '@cxr/models';
import { fit, predict } from '@cxr/train';
import { classificationReport, rocAucScore } from '@cxr/metrics';
import { rocCurveSpec } from '@cxr/metrics/plot';
import { saliencyMap } from '@cxr/explain';
import { expectNoLeaks, phantomFixture, pretrainedPhantomModel, toBeCloseTensor } from '@cxr/testing';

async function main(): Promise<void> {
  assert.match(require.resolve('@cxr/core'), /\.cjs$/, 'require() must load the CommonJS build');
  const backend = await selectBackend();
  console.log(`backend ${backend.name}`);

  // A 3-class Keras-style model trained for one epoch on phantom images.
  const data = phantomDataset({ classes: ['COVID19', 'NORMAL', 'PNEUMONIA'], perClass: 4, imageSize: 16, channels: 1, seed: 0 });
  const model = lungClassifier({ inputShape: [16, 16, 1], numClasses: 3, seed: 0 });
  const history = await fit(model, data, { epochs: 1, batchSize: 4, loss: 'categoricalCrossentropy', learningRate: 0.001, seed: 0 });
  assert.ok(Number.isFinite(history.history.loss[0]), 'finite loss');
  const { predictions, labels, probabilities } = await predict(model, data);
  assert.equal(probabilities?.length, 12);
  const report = classificationReport(labels, predictions, { labels: [0, 1, 2], zeroDivision: 0 });
  assert.equal(report.perClass.length, 3);
  model.dispose();

  // Metrics and plots, pure TypeScript.
  assert.equal(rocAucScore([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
  assert.equal((rocCurveSpec([{ name: 'x', fpr: [0, 1], tpr: [0, 1] }]) as { $schema?: string }).$schema?.includes('vega-lite'), true);

  // Preprocessing and explanations on the pretrained fixture, without leaks.
  const pretrained = pretrainedPhantomModel();
  await expectNoLeaks(async () => {
    for await (const { images, labels: l } of phantomFixture({ perClass: 2 }).batch(4)) {
      const first = tf.tidy(() => tf.squeeze(tf.slice(images, [0, 0, 0, 0], [1, -1, -1, -1]), [0]) as tf.Tensor3D);
      const map = saliencyMap(pretrained, first);
      assert.deepEqual(map.shape, [32, 32]);
      const small = resize(images, [16, 16]);
      assert.deepEqual(small.shape, [4, 16, 16, 3]);
      const same = resize(small, [16, 16]);
      assert.ok(toBeCloseTensor(same, small, 1e-6).pass);
      same.dispose();
      tf.dispose([images, l, first, map, small]);
    }
  }, { warmup: true });
  pretrained.dispose();

  // Files on disk through the /node subpath, and coded errors.
  const folders = await writePhantomFolder(require('node:os').tmpdir() + '/cxr-cjs-' + process.pid, { train: 1, test: 1, imageSize: 16 });
  assert.equal(folders.classes.length, 2);
  assert.ok(new CxrError('E_BAD_ARGUMENT', 'x') instanceof Error);
  // @cxr/native's CommonJS build finds the prebuilt binary inside the installed tarball.
  const wasm = await selectBackend({ backend: 'wasm' });
  assert.match(require.resolve('@cxr/native'), /\.cjs$/, 'require() must load the CommonJS build of @cxr/native');
  const load = loadNativeAddon();
  if (`${process.platform}-${process.arch}` === 'linux-x64') {
    assert.equal(wasm.native?.active, true, `native kernels on wasm: ${wasm.native?.reason}`);
    assert.ok(wasm.native?.kernels.includes('Conv2D'), 'native Conv2D registered');
    assert.match(load.addon ? load.path : load.reason, /node_modules\/@cxr\/native\/prebuilds\/linux-x64\/cxr_native\.node$/);
    console.log(`native kernels: ${wasm.native?.isa}, ${wasm.native?.threads} threads, ${wasm.native?.kernels.length} kernels`);
  } else {
    assert.equal(wasm.native?.active, false);
    assert.match(wasm.native?.reason ?? '', /no prebuilt binary/);
  }
  console.log('cjs consumer: all checks passed');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
