import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm, truncate, writeFile, readdir, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { covidCnn, serializeModel, loadModel as loadFromHandler } from '@cxr/models';
import { loadModel, saveModel } from '@cxr/models/node';
import { CxrError } from '@cxr/core';
import { maxAbsDiff, useCpu } from './helpers.js';

let root: string;
beforeAll(async () => {
  await useCpu();
  root = await mkdtemp(join(tmpdir(), 'cxr-models-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function loadError(path: string): Promise<CxrError> {
  try {
    (await loadModel(path)).dispose();
  } catch (error) {
    if (error instanceof CxrError) return error;
    throw error;
  }
  throw new Error(`loading ${path} did not fail`);
}

describe('saveModel / loadModel (Node)', () => {
  it('round-trips covidCnn: same topology, weights, predictions and metadata', async () => {
    const model = covidCnn({ inputShape: [16, 16, 3], seed: 5 });
    const dir = join(root, 'nested', 'model');
    const info = await saveModel(model, dir, { metadata: { classes: ['COVID19', 'NORMAL'] } });
    expect(info.weightBytes).toBe(126_145 * 4);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(info.modelJson, 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);

    for (const source of [dir, info.modelJson, pathToFileURL(dir).href]) {
      const loaded = await loadModel(source);
      expect(loaded.countParams()).toBe(126_145);
      expect(loaded.getLayer('avg_pool').getClassName()).toBe('AdaptiveAveragePooling2D');
      expect(loaded.getUserDefinedMetadata()).toEqual({ classes: ['COVID19', 'NORMAL'] });
      const x = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 1);
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
      tf.dispose([x, a, b]);
      loaded.dispose();
    }
    model.dispose();
  });

  it('overwrites an existing save and leaves other files in the directory alone', async () => {
    const dir = join(root, 'overwrite');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'metrics.json'), '{}');
    const [m1, m2] = [covidCnn({ inputShape: [12, 12, 3], seed: 1 }), covidCnn({ inputShape: [12, 12, 3], seed: 2 })];
    await saveModel(m1, dir);
    await saveModel(m2, dir);
    expect((await readdir(dir)).sort()).toEqual(['metrics.json', 'model.json', 'weights.bin']);
    const loaded = await loadModel(dir);
    expect(loaded.getWeights()[0]?.dataSync()).toEqual(m2.getWeights()[0]?.dataSync());
    [m1, m2, loaded].forEach((m) => m.dispose());
  });

  it('missing path → E_MODEL_LOAD with the path', async () => {
    const missing = join(root, 'does-not-exist');
    const error = await loadError(missing);
    expect(error.code).toBe('E_MODEL_LOAD');
    expect(error.path).toBe(missing);
  });

  it('corrupt model.json, missing or truncated weights → E_MODEL_LOAD', async () => {
    const model = covidCnn({ inputShape: [12, 12, 3], seed: 1 });
    const make = async (name: string) => {
      const dir = join(root, name);
      await saveModel(model, dir);
      return dir;
    };

    const corrupt = await make('corrupt');
    await writeFile(join(corrupt, 'model.json'), '{"modelTopology": {"class_name": "Seq');
    expect(await loadError(corrupt)).toMatchObject({ code: 'E_MODEL_LOAD', path: join(corrupt, 'model.json') });

    const notAModel = await make('not-a-model');
    await writeFile(join(notAModel, 'model.json'), '{"hello": 1}');
    expect((await loadError(notAModel)).message).toMatch(/modelTopology/);

    const noWeights = await make('no-weights');
    await rm(join(noWeights, 'weights.bin'));
    expect(await loadError(noWeights)).toMatchObject({ code: 'E_MODEL_LOAD', path: join(noWeights, 'weights.bin') });

    const truncated = await make('truncated');
    await truncate(join(truncated, 'weights.bin'), 1000);
    expect((await loadError(truncated)).message).toMatch(/1000 bytes/);

    const escape = await make('escape');
    const json = JSON.parse(await readFile(join(escape, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../truncated/weights.bin'];
    await writeFile(join(escape, 'model.json'), JSON.stringify(json));
    expect((await loadError(escape)).message).toMatch(/outside the model directory/);

    const zeroByte = join(root, 'zero', 'model.json');
    await mkdir(join(root, 'zero'));
    await writeFile(zeroByte, '');
    expect((await loadError(zeroByte)).code).toBe('E_MODEL_LOAD');
    model.dispose();
  });

  it('loads from any IOHandler through the browser-safe entry', async () => {
    const model = covidCnn({ inputShape: [12, 12, 3], seed: 9 });
    const { modelJson, weights } = await serializeModel(model);
    const loaded = await loadFromHandler(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
        weightData: weights,
      }),
    );
    expect(loaded.getWeights()[2]?.dataSync()).toEqual(model.getWeights()[2]?.dataSync());
    await expect(loadFromHandler('http://127.0.0.1:9/model.json')).rejects.toMatchObject({ code: 'E_MODEL_LOAD' });
    [model, loaded].forEach((m) => m.dispose());
  });

  it('loads a saved directory over http(s) the way a browser page does, with identical predictions', async () => {
    const { createServer } = await import('node:http');
    const { lungClassifier } = await import('@cxr/models');
    const model = lungClassifier({ inputShape: [20, 20, 1], seed: 3 });
    const dir = join(root, 'served');
    await saveModel(model, dir);
    // A static file server on loopback, like the one a web page's model comes from.
    const server = createServer(async (req, res) => {
      try {
        const body = await readFile(join(dir, (req.url ?? '/').split('?')[0]!.replace(/^\//, '')));
        res.writeHead(200, { 'content-type': req.url?.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as { port: number };
    try {
      const loaded = await loadFromHandler(`http://127.0.0.1:${port}/model.json`);
      const x = tf.randomUniform([2, 20, 20, 1], 0, 1, 'float32', 4);
      const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
      tf.dispose([x, a, b]);
      loaded.dispose();
    } finally {
      server.close();
      model.dispose();
    }
  });

  it('leaks no tensors across save and load', async () => {
    const model = covidCnn({ inputShape: [12, 12, 3], seed: 1 });
    const dir = join(root, 'leak');
    const before = tf.memory().numTensors;
    await saveModel(model, dir);
    expect(tf.memory().numTensors).toBe(before);
    const loaded = await loadModel(dir);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
