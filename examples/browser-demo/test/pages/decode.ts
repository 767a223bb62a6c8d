// Test page for @cxr/data/browser: every image source kind decoded in a real browser, and a picked
// folder as a dataset, returned as plain JSON for the Node side to compare with sharp / imageFolder.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { browserImageFolder, browserImageToTensor, decodeBrowserImage, type BrowserImageSource } from '@cxr/data/browser';

type Kind = 'file' | 'url' | 'img' | 'bitmap' | 'canvas' | 'imagedata';

async function source(kind: Kind, file: File, url: string): Promise<BrowserImageSource> {
  if (kind === 'file') return file;
  if (kind === 'url') return url;
  if (kind === 'img') {
    const img = new Image();
    img.src = url;
    return img;
  }
  const bitmap = await createImageBitmap(file, { premultiplyAlpha: 'none' });
  if (kind === 'bitmap') return bitmap;
  const canvas = Object.assign(document.createElement('canvas'), { width: bitmap.width, height: bitmap.height });
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return kind === 'canvas' ? canvas : ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

/** Bytes as base64: far faster through page.evaluate than a JSON array of numbers. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const api = {
  async decode(index: number, url: string, kind: Kind, channels: 1 | 3) {
    const file = (document.getElementById('files') as HTMLInputElement).files![index]!;
    const raw = await decodeBrowserImage(await source(kind, file, url), { channels, name: file.name });
    return { width: raw.width, height: raw.height, channels: raw.channels, base64: toBase64(raw.data as Uint8Array) };
  },
  async toTensor(index: number, imageSize: number) {
    const file = (document.getElementById('files') as HTMLInputElement).files![index]!;
    const t = await browserImageToTensor(file, { imageSize, channels: 1 });
    const out = { shape: t.shape, data: Array.from(await t.data()) };
    t.dispose();
    return out;
  },
  async folder() {
    await tf.setBackend('cpu');
    const ds = await browserImageFolder((document.getElementById('folder') as HTMLInputElement).files!, { imageSize: 16, onError: 'skip' });
    let count = 0;
    for await (const sample of ds) {
      count += sample.image.shape[0] === 16 ? 1 : 0;
      sample.image.dispose();
    }
    return { classes: [...ds.classes], files: ds.files(), labels: ds.labels(), counts: ds.report().counts, decoded16: count, tensors: tf.memory().numTensors };
  },
};
(window as unknown as { cxrData: typeof api }).cxrData = api;
document.body.dataset['ready'] = 'true';
