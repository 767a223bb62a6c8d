/**
 * The demo in a real browser: Debian's Chromium driven by playwright-core loads the built page from
 * a local server, loads a model trained and saved here in Node, classifies real X-rays from
 * ../shared/data/cxr3 and must give Node's probabilities (cpu backend) within 1e-3 on webgl, wasm
 * cpu and (where Chromium offers an adapter) webgpu, with the Grad-CAM overlay drawn. Bad input (a text file, a broken PNG, a huge image, a
 * model for other inputs) must show a message and leave the tab responsive. Screenshots and the
 * measured differences go to examples/browser-demo/artifacts/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { selectBackend } from '@cxr/core';
import { decodeImage, imageFolder } from '@cxr/data/node';
import { decodeDicom, rawImageToTensor, type RawImage } from '@cxr/data';
import { fitImageSize } from '@cxr/data/browser';
import { AdaptiveAveragePooling2D } from '@cxr/models';
import { saveModel } from '@cxr/models/node';
import { fit } from '@cxr/train';
import { describeModel, toProbabilities } from '../src/model.js';
import { modelInput } from '../src/predict.js';
import { serveFolders } from './serve.js';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = resolve(demoDir, '../..');
const cxr3 = resolve(repoRoot, '../shared/data/cxr3');
const artifacts = join(demoDir, 'artifacts');
const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(executablePath);
const haveData = existsSync(cxr3);
if (process.env['CI'] && !haveChromium) throw new Error(`CI needs Chromium at ${executablePath} (apt-get install -y chromium)`);

/** |browser − Node| allowed per probability: fp32 everywhere; see docs/browser.md for fp16 WebGL. */
const TOLERANCE = 1e-3;
const SIZE = 32;
const CLASSES = ['COVID19', 'NORMAL', 'PNEUMONIA'];

interface Reference {
  file: string;
  path: string;
  probs: number[];
}

describe.skipIf(!haveChromium || !haveData)('browser demo in Chromium', () => {
  let work: string;
  let browser: Browser;
  let server: { url: string; close: () => Promise<void> };
  const references: Reference[] = [];
  let dicomReference: number[] = [];
  const measured: Record<string, unknown> = {};

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'cxr-browser-'));
    mkdirSync(artifacts, { recursive: true });
    await selectBackend({ backend: 'cpu' });
    // The page builds (Vite, unminified: same code, less time) while Node trains the model.
    const outDir = join(work, 'dist');
    const tBuild = Date.now();
    const built = build({ root: demoDir, configFile: join(demoDir, 'vite.config.ts'), logLevel: 'error', build: {
        outDir,
        emptyOutDir: true,
        minify: false,
        reportCompressedSize: false,
        // The demo plus a bare page that exposes @cxr/data/browser to the tests.
        rollupOptions: { input: { index: join(demoDir, 'index.html'), decode: join(demoDir, 'test/pages/decode.html') } },
      },
    }).then(() =>
      console.log(`[browser-demo] vite build ${((Date.now() - tBuild) / 1000).toFixed(1)} s`),
    );
    const tTrain = Date.now();

    // Images for fine-tuning in the page; the Node model trains on them too.
    const folder = join(work, 'finetune');
    for (const cls of CLASSES) {
      mkdirSync(join(folder, cls), { recursive: true });
      for (const file of readdirSync(join(cxr3, 'train', cls)).sort().slice(0, 4)) cpSync(join(cxr3, 'train', cls, file), join(folder, cls, file));
    }
    // A small 3-class CNN with cxr's custom AdaptiveAveragePooling2D layer (the page must register
    // it), trained a few steps on real images and saved like the Node examples save theirs. Its
    // outputs vary from image to image and stay away from 0 and 1, so the comparison can fail.
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ name: 'conv', inputShape: [SIZE, SIZE, 3], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        new AdaptiveAveragePooling2D({ name: 'pool', outputSize: 8 }),
        tfl.layers.flatten({ name: 'flatten' }),
        tfl.layers.dense({ name: 'classes', units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const train = await imageFolder(folder, { imageSize: SIZE, channels: 3 });
    await fit(model, train, { epochs: 2, batchSize: 4, learningRate: 3e-3, seed: 1, loss: 'categoricalCrossentropy' });
    await saveModel(model, join(work, 'model'));
    // A valid layers model that does not take images: the page must say so.
    const notImages = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [10], activation: 'softmax' })] });
    await saveModel(notImages, join(work, 'bad-model'));
    notImages.dispose();

    // Node's answer for real test images: sharp decoding at full size, then the page's own
    // preprocessing code. The control feeds the same images resized by sharp instead: it must miss
    // the reference by far more than the tolerance, or this test could not see a preprocessing bug.
    const loaded = describeModel(model, 'node');
    const predictNode = async (raw: RawImage): Promise<number[]> => {
      const input = modelInput(raw, loaded, 'unit');
      const probs = tf.tidy(() => toProbabilities(loaded, model.predict(input) as tf.Tensor2D));
      const out = Array.from(await probs.data());
      tf.dispose([input, probs]);
      return out;
    };
    let controlDiff = 0;
    for (const cls of CLASSES) {
      for (const file of readdirSync(join(cxr3, 'test', cls)).sort().slice(0, 2)) {
        const path = join(cxr3, 'test', cls, file);
        const probs = await predictNode(await decodeImage(path, { channels: 3 }));
        const control = await predictNode(await decodeImage(path, { channels: 3, imageSize: SIZE }));
        control.forEach((p, j) => (controlDiff = Math.max(controlDiff, Math.abs(p - probs[j]!))));
        references.push({ file, path, probs });
      }
    }
    const dicomImage = decodeDicom(readFileSync(join(repoRoot, 'packages/data/test/fixtures/dicom/mono2-u12-explicit.dcm')));
    const rgb = new Float32Array(dicomImage.data.length * 3).map((_, k) => dicomImage.data[Math.floor(k / 3)] as number);
    dicomReference = await predictNode({ data: rgb, width: dicomImage.width, height: dicomImage.height, channels: 3 });
    model.dispose();
    const all = references.flatMap((r) => r.probs);
    measured['node'] = { references, controlMaxAbsDiff: controlDiff };
    expect(Math.min(...all)).toBeGreaterThan(0.01);
    expect(Math.max(...all)).toBeLessThan(0.99);
    expect(controlDiff).toBeGreaterThan(3 * TOLERANCE);
    console.log(`[browser-demo] Node model + references ${((Date.now() - tTrain) / 1000).toFixed(1)} s`);

    // Bad input files.
    writeFileSync(join(work, 'notes.txt'), 'not an image');
    writeFileSync(join(work, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n but nothing after the signature'));
    await sharp({ create: { width: 6000, height: 5000, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png({ compressionLevel: 1 }).toFile(join(work, 'huge.png'));
    await built;
    server = await serveFolders({ '/cxr3/': cxr3, '/model/': join(work, 'model'), '/bad-model/': join(work, 'bad-model'), '/': outDir });
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update',
        // WebGPU on SwiftShader (software Vulkan) where there is no GPU; WebGL uses it anyway.
        '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader',
      ],
    });
  }, 180_000);

  afterAll(async () => {
    writeFileSync(join(artifacts, 'browser-agreement.json'), JSON.stringify(measured, null, 2));
    await browser?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function openDemo(query: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/?${query}`);
    await page.waitForSelector('body[data-ready="true"], body[data-backend="none"]', { timeout: 60_000 });
    expect(errors).toEqual([]);
    return page;
  }

  async function predictAll(page: Page, paths: string[]): Promise<Array<{ file: string; probs?: number[]; error?: string; text: string; overlay?: string; backend?: string }>> {
    await page.setInputFiles('#image-files', paths);
    await page.waitForFunction((n) => {
      const items = [...document.querySelectorAll<HTMLElement>('#results .result')];
      return items.length === n && items.every((li) => li.dataset['error'] || li.dataset['overlay'] === 'drawn');
    }, paths.length, { timeout: 60_000 });
    return page.$$eval('#results .result', (items) =>
      (items as HTMLElement[]).map((li) => ({
        file: li.dataset['file'] ?? '',
        ...(li.dataset['probs'] ? { probs: JSON.parse(li.dataset['probs']) as number[] } : {}),
        ...(li.dataset['error'] ? { error: li.dataset['error'] } : {}),
        ...(li.dataset['overlay'] ? { overlay: li.dataset['overlay'] } : {}),
        ...(li.dataset['backend'] ? { backend: li.dataset['backend'] } : {}),
        text: li.textContent ?? '',
      })),
    );
  }

  /** Share of the first overlay canvas's pixels that are coloured (R, G, B not all equal): the jet heatmap on a gray X-ray. */
  async function colouredShare(page: Page): Promise<number> {
    return page.$eval('#results .result canvas', (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - data[i + 1]!) > 8 || Math.abs(data[i + 1]! - data[i + 2]!) > 8) coloured++;
      return coloured / (data.length / 4);
    });
  }

  async function checkAgainstNode(backend: string): Promise<void> {
    const page = await openDemo(`backend=${backend}&model=./model/model.json`);
    const info = await page.evaluate(() => ({ ...document.body.dataset }));
    expect(info['backend']).toBe(backend);
    expect(info['modelState']).toBe('ready');
    const results = await predictAll(page, references.map((r) => r.path));
    const fp16 = backend === 'webgl' && info['webglFloat32'] === 'false';
    const tolerance = fp16 ? 1e-2 : TOLERANCE;
    let maxDiff = 0;
    results.forEach((result, k) => {
      expect(result.error, result.text).toBeUndefined();
      expect(result.backend).toBe(backend); // tf.getBackend() when the image was classified
      const ref = references[k]!;
      expect(result.file).toBe(ref.file);
      result.probs!.forEach((p, j) => (maxDiff = Math.max(maxDiff, Math.abs(p - ref.probs[j]!))));
    });
    measured[backend] = { maxAbsDiffVsNodeCpu: maxDiff, tolerance, images: results.length, float32: info['webglFloat32'], renderer: info['webglRenderer'] };
    expect(maxDiff).toBeLessThanOrEqual(tolerance);
    expect(await colouredShare(page)).toBeGreaterThan(0.2);
    await page.fill('#opacity', '0.8');
    await page.dispatchEvent('#opacity', 'input');
    await page.waitForSelector('body[data-opacity="0.80"]');
    await page.screenshot({ path: join(artifacts, `demo-${backend}.png`), fullPage: true });
    // Predictions and Grad-CAM leak nothing: clearing the results frees every tensor they held.
    expect(info['tensors']).toMatch(/^\d+$/); // the model's weights
    expect(await page.evaluate(() => document.body.dataset['tensors'])).not.toBe(info['tensors']); // results hold images and heatmaps
    await page.click('#clear-results');
    expect(await page.evaluate(() => document.body.dataset['tensors'])).toBe(info['tensors']);
    await page.close();
  }

  it('reports the backends Chromium gives (WebGL on SwiftShader without a GPU, float32 capability)', async () => {
    const page = await openDemo('');
    const info = await page.evaluate(() => ({ ...document.body.dataset }));
    measured['auto'] = { backend: info['backend'], webglFloat32: info['webglFloat32'], renderer: info['webglRenderer'], detail: await page.textContent('#backend-detail') };
    console.log(`[browser-demo] auto backend: ${info['backend']} ${await page.textContent('#backend-detail')}`);
    expect(info['backend']).toBe('webgl');
    expect(await page.textContent('#privacy')).toContain('nothing is uploaded');
    await page.close();
  });

  it('webgl: predictions equal Node within tolerance, Grad-CAM overlay drawn', () => checkAgainstNode('webgl'));
  it('wasm (fallback): predictions equal Node within 1e-3', () => checkAgainstNode('wasm'));
  it('cpu (fallback): predictions equal Node within 1e-3', () => checkAgainstNode('cpu'));
  it('webgpu where Chromium offers an adapter: predictions equal Node within 1e-3', async () => {
    const page = await openDemo('backend=cpu');
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return gpu ? (await gpu.requestAdapter()) !== null : false;
    });
    await page.close();
    if (!adapter) {
      measured['webgpu'] = 'no WebGPU adapter in this Chromium';
      console.log('[browser-demo] webgpu: no adapter, not compared');
      return;
    }
    await checkAgainstNode('webgpu');
  });

  it('DICOM and bad input: a .dcm predicts like Node; a text file, a broken PNG, a JPEG 2000 DICOM and a model for other inputs give messages, a huge image is downscaled; the tab stays responsive', async () => {
    const page = await openDemo('backend=cpu&model=./model/model.json');
    const dicom = join(repoRoot, 'packages/data/test/fixtures/dicom');
    const results = await predictAll(page, [
      join(work, 'notes.txt'),
      join(work, 'broken.png'),
      join(work, 'huge.png'),
      join(dicom, 'mono2-u12-explicit.dcm'),
      join(dicom, 'bad-jpeg2000.dcm'),
    ]);
    expect(results[0]!.error).toBe('E_UNSUPPORTED_FILE');
    expect(results[0]!.text).toContain('not an image');
    expect(results[1]!.error).toBe('E_IMAGE_DECODE');
    expect(results[2]!.probs).toHaveLength(3);
    expect(results[2]!.text).toContain('decoded at 2048×1707');
    // DICOM: the same probabilities as Node's decodeDicom → gray copied to RGB → the page's preprocessing.
    expect(results[3]!.error, results[3]!.text).toBeUndefined();
    results[3]!.probs!.forEach((p, j) => expect(Math.abs(p - dicomReference[j]!)).toBeLessThanOrEqual(TOLERANCE));
    expect(results[4]!.error).toBe('E_UNSUPPORTED_DICOM');
    expect(results[4]!.text).toMatch(/JPEG 2000/i);
    await page.fill('#model-url', './bad-model/model.json');
    await page.click('#model-url-form button');
    await page.waitForSelector('body[data-model-state="error"]');
    expect(await page.textContent('#model-status')).toMatch(/cannot classify images.*input is \[null, 10\]/);
    expect(await page.evaluate(() => 6 * 7)).toBe(42);
    await page.screenshot({ path: join(artifacts, 'demo-bad-input.png'), fullPage: true });
    await page.close();
  });

  it('fine-tunes on a picked folder with a live loss chart', async () => {
    const page = await openDemo('backend=cpu&model=./model/model.json');
    await page.setInputFiles('#train-folder', join(work, 'finetune'));
    await page.fill('#train-epochs', '2');
    await page.click('#train-start');
    await page.waitForSelector('body[data-training="done"], body[data-training="error"]', { timeout: 60_000 });
    const status = await page.textContent('#train-status');
    expect(status).toMatch(/Trained on 12 images \(0 files skipped\) for 2 epochs; last loss \d+\.\d{4}/);
    const linePixels = await page.$eval('#loss-chart', (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let blue = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 2]! > 150 && data[i]! < 60 && data[i + 3]! > 0) blue++;
      return blue;
    });
    expect(linePixels).toBeGreaterThan(100); // the loss line is drawn
    await page.screenshot({ path: join(artifacts, 'demo-fine-tune.png'), fullPage: true });
    await page.close();
  });

  describe('@cxr/data/browser in Chromium', () => {
    type Kind = 'file' | 'url' | 'img' | 'bitmap' | 'canvas' | 'imagedata';
    interface DecodeApi {
      decode(index: number, url: string, kind: Kind, channels: 1 | 3): Promise<{ width: number; height: number; channels: number; base64: string }>;
      toTensor(index: number, imageSize: number): Promise<{ shape: number[]; data: number[] }>;
      folder(): Promise<{ classes: string[]; files: string[]; labels: number[]; counts: Record<string, number>; decoded16: number; tensors: number }>;
    }
    const api = (page: Page) => ({
      decode: (...args: Parameters<DecodeApi['decode']>) => page.evaluate((a) => (window as unknown as { cxrData: DecodeApi }).cxrData.decode(...a), args),
      toTensor: (...args: Parameters<DecodeApi['toTensor']>) => page.evaluate((a) => (window as unknown as { cxrData: DecodeApi }).cxrData.toTensor(...a), args),
      folder: () => page.evaluate(() => (window as unknown as { cxrData: DecodeApi }).cxrData.folder()),
    });
    async function openTestPage(): Promise<Page> {
      const page = await browser.newPage();
      await page.goto(`${server.url}/test/pages/decode.html`);
      await page.waitForSelector('body[data-ready="true"]');
      return page;
    }

    it('decodes a File, URL, <img>, ImageBitmap, canvas and ImageData to the pixels sharp decodes (PNG and JPEG, 3 and 1 channels)', async () => {
      const page = await openTestPage();
      const images = [join('test', 'COVID19', '0105.png'), relativeToCxr3(references[0]!.path)];
      await page.setInputFiles('#files', images.map((rel) => join(cxr3, rel)));
      const diffs: Record<string, number> = {};
      for (const [index, rel] of images.entries()) {
        for (const channels of [3, 1] as const) {
          const node = await decodeImage(join(cxr3, rel), { channels });
          for (const kind of ['file', 'url', 'img', 'bitmap', 'canvas', 'imagedata'] as const) {
            const got = await api(page).decode(index, `${server.url}/cxr3/${rel}`, kind, channels);
            expect([got.width, got.height, got.channels]).toEqual([node.width, node.height, channels]);
            let diff = 0;
            const pixels = Buffer.from(got.base64, 'base64');
            expect(pixels.length).toBe(node.data.length);
            pixels.forEach((v, k) => (diff = Math.max(diff, Math.abs(v - (node.data[k] as number)))));
            diffs[`${rel} ${kind} ${channels}ch`] = diff;
          }
        }
      }
      measured['decode'] = diffs;
      // Chromium and sharp both decode with libpng / libjpeg-turbo: the same 8-bit values.
      expect(Math.max(...Object.values(diffs))).toBe(0);
      const tensor = await api(page).toTensor(0, 16);
      const full = rawImageToTensor(await decodeImage(join(cxr3, images[0]!), { channels: 1 }));
      const expected = fitImageSize(full, 16);
      expect(tensor.shape).toEqual([16, 16, 1]);
      const want = await expected.data();
      tensor.data.forEach((v, k) => expect(Math.abs(v - (want[k] as number))).toBeLessThan(1e-6));
      tf.dispose([full, expected]);
      await page.close();
    });

    it('browserImageFolder on a picked cxr3/test folder gives imageFolder\'s classes, file order, labels and counts', async () => {
      const page = await openTestPage();
      await page.setInputFiles('#folder', join(cxr3, 'test'));
      const got = await api(page).folder();
      const node = await imageFolder(join(cxr3, 'test'), { imageSize: 16, onError: 'skip' });
      expect(got.classes).toEqual([...node.classes]);
      expect(got.files).toEqual(node.files().map(relativeToCxr3));
      expect(got.labels).toEqual(node.labels());
      expect(got.counts).toEqual(node.report().counts);
      expect(got.decoded16).toBe(node.size);
      expect(got.tensors).toBe(0);
      await page.close();
    });
  });
});

function relativeToCxr3(path: string): string {
  return path.slice(cxr3.length + 1).split(sep).join('/');
}
