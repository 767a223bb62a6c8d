import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCxrError } from '@cxr/core';
import { decodeDicom, fromSources, rawImageToTensor, supportedTransferSyntaxes } from '@cxr/data';
import { decodeDicomImage, imageFolder, readDicom, readDicomInfo } from '@cxr/data/node';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

// Fixtures and golden pixels: scripts/make-dicom-fixtures.py (pydicom apply_modality_lut / apply_voi_lut).
const DIR = join(import.meta.dirname, 'fixtures', 'dicom');
interface Golden {
  frame: number;
  transferSyntaxUid: string;
  photometricInterpretation: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number;
  numberOfFrames: number;
  applied: 'window' | 'voi-lut' | 'min-max';
  modality: number[];
  display: number[];
}
const golden = JSON.parse(readFileSync(join(DIR, 'golden.json'), 'utf8')) as { files: Record<string, Golden> };
const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name)));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe('decodeDicom against pydicom', () => {
  const lossless = Object.entries(golden.files).filter(([name]) => !name.includes('jpeg'));
  it('has a golden image per decodable fixture', () => {
    expect(lossless.length).toBeGreaterThanOrEqual(12);
  });

  for (const [name, g] of lossless) {
    it(`${name}: header, modality values and display values`, () => {
      const modality = decodeDicom(bytes(name), { output: 'modality', frame: g.frame });
      expect([modality.width, modality.height, modality.channels]).toEqual([g.columns, g.rows, 1]);
      expect(modality.meta).toMatchObject({
        transferSyntaxUid: g.transferSyntaxUid,
        photometricInterpretation: g.photometricInterpretation,
        bitsAllocated: g.bitsAllocated,
        bitsStored: g.bitsStored,
        pixelRepresentation: g.pixelRepresentation,
        numberOfFrames: g.numberOfFrames,
        frame: g.frame,
        inverted: false,
      });
      expect(maxAbsDiff(modality.data, g.modality)).toBeLessThan(1e-3);

      const display = decodeDicom(bytes(name), { frame: g.frame });
      expect(display.data).toBeInstanceOf(Float32Array);
      expect(display.meta.voi.kind).toBe(g.applied);
      expect(display.meta.inverted).toBe(g.photometricInterpretation === 'MONOCHROME1');
      expect(maxAbsDiff(display.data, g.display)).toBeLessThan(2e-6);

      const u8 = decodeDicom(bytes(name), { frame: g.frame, output: 'uint8' });
      expect(u8.data).toBeInstanceOf(Uint8Array);
      expect(maxAbsDiff(u8.data, g.display.map((v) => v * 255))).toBeLessThanOrEqual(0.5 + 1e-3);
    });
  }

  it('JPEG baseline decodes within ±2 grey levels of Pillow (lossy, decoders differ in IDCT rounding)', () => {
    const name = 'mono2-u8-jpeg-baseline.dcm';
    const g = golden.files[name] as Golden;
    const image = decodeDicom(bytes(name), { output: 'modality' });
    expect(image.meta.transferSyntaxName).toMatch(/JPEG Baseline/);
    expect(maxAbsDiff(image.data, g.modality)).toBeLessThanOrEqual(2);
  });
});

describe('decodeDicom windows and frames', () => {
  it('an explicit window overrides the file: LINEAR formula of PS3.3 C.11.2.1.2', () => {
    const name = 'mono2-u12-explicit.dcm';
    const modality = decodeDicom(bytes(name), { output: 'modality' }).data;
    const center = 0;
    const width = 1500;
    const image = decodeDicom(bytes(name), { window: { center, width } });
    expect(image.meta.voi).toEqual({ kind: 'window', center, width, function: 'LINEAR' });
    const expected = Array.from(modality, (x) =>
      x <= center - 0.5 - (width - 1) / 2 ? 0 : x > center - 0.5 + (width - 1) / 2 ? 1 : (x - (center - 0.5)) / (width - 1) + 0.5,
    );
    expect(maxAbsDiff(image.data, expected)).toBeLessThan(1e-6);
  });

  it("window 'none' stretches min..max even when the file has a window", () => {
    const image = decodeDicom(bytes('mono1-u16-implicit.dcm'), { window: 'none' });
    expect(image.meta.voi.kind).toBe('min-max');
    const values = Array.from(image.data);
    // MONOCHROME1: inverted after the stretch, so both ends are reached.
    expect(Math.min(...values)).toBe(0);
    expect(Math.max(...values)).toBe(1);
  });

  it('each frame of a multi-frame file decodes on its own', () => {
    const name = 'mono2-u8-rle-3frames.dcm';
    const frames = [0, 1, 2].map((frame) => decodeDicom(bytes(name), { frame, output: 'modality' }).data);
    expect(maxAbsDiff(frames[1] as Float32Array, (golden.files[name] as Golden).modality)).toBe(0);
    expect(maxAbsDiff(frames[0] as Float32Array, frames[1] as Float32Array)).toBeGreaterThan(0);
    expect(() => decodeDicom(bytes(name), { frame: 3 })).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }) as Error);
  });

  it('feeds rawImageToTensor as a [h, w, 1] tensor in [0, 1]', () => {
    const image = decodeDicom(bytes('mono2-u12-explicit.dcm'));
    const tensor = rawImageToTensor(image);
    expect(tensor.shape).toEqual([12, 16, 1]);
    expect(tf.tidy(() => tf.max(tensor).dataSync()[0])).toBeLessThanOrEqual(1);
    tf.dispose(tensor);
  });

  it('accepts an ArrayBuffer', () => {
    const u8 = bytes('mono2-u8-nowindow.dcm');
    const image = decodeDicom(u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength) as ArrayBuffer);
    expect(image.width).toBe(16);
  });
});

describe('decodeDicom bad input', () => {
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      return isCxrError(error) ? error.code : `not a CxrError: ${String(error)}`;
    }
    return undefined;
  };

  it('JPEG 2000 → E_UNSUPPORTED_DICOM naming the syntax UID and name', () => {
    expect(() => decodeDicom(bytes('bad-jpeg2000.dcm'))).toThrowError(/1\.2\.840\.10008\.1\.2\.4\.90 \(JPEG 2000 Image Compression \(Lossless Only\)\)/);
    expect(code(() => decodeDicom(bytes('bad-jpeg2000.dcm')))).toBe('E_UNSUPPORTED_DICOM');
  });

  it('RGB → E_UNSUPPORTED_DICOM naming the photometric interpretation', () => {
    expect(code(() => decodeDicom(bytes('bad-rgb.dcm')))).toBe('E_UNSUPPORTED_DICOM');
    expect(() => decodeDicom(bytes('bad-rgb.dcm'))).toThrowError(/RGB/);
  });

  it('no pixel data → E_DICOM_NO_PIXELS', () => {
    expect(code(() => decodeDicom(bytes('bad-no-pixels.dcm')))).toBe('E_DICOM_NO_PIXELS');
  });

  it('not DICOM, or truncated → E_IMAGE_DECODE', () => {
    expect(code(() => decodeDicom(new Uint8Array(300).fill(7)))).toBe('E_IMAGE_DECODE');
    const whole = bytes('mono2-u12-explicit.dcm');
    expect(code(() => decodeDicom(whole.subarray(0, whole.length - 100)))).toBe('E_IMAGE_DECODE');
    // dicom-parser throws plain objects ({ exception }); the message keeps their text.
    expect(() => decodeDicom(whole.subarray(0, 300))).toThrowError(/^Not a readable DICOM file: (?!\[object)/);
  });

  it('corrupt RLE → E_IMAGE_DECODE', () => {
    const whole = bytes('mono2-u16-rle.dcm');
    const broken = whole.slice();
    // Overwrite the tail of the RLE data with no-op bytes (-128): the segment ends too short.
    broken.fill(0x80, broken.length - 40, broken.length - 8);
    expect(code(() => decodeDicom(broken))).toBe('E_IMAGE_DECODE');
  });

  it('lists the transfer syntaxes it decodes', () => {
    expect(supportedTransferSyntaxes().map((s) => s.uid)).toEqual([
      '1.2.840.10008.1.2',
      '1.2.840.10008.1.2.1',
      '1.2.840.10008.1.2.2',
      '1.2.840.10008.1.2.5',
      '1.2.840.10008.1.2.4.50',
    ]);
  });
});

describe('readDicom (node)', () => {
  it('reads a path and decodes it', async () => {
    const image = await readDicom(join(DIR, 'mono2-u12-bigendian.dcm'));
    const g = golden.files['mono2-u12-bigendian.dcm'] as Golden;
    expect(maxAbsDiff(image.data, g.display)).toBeLessThan(2e-6);
  });

  it('errors carry the path', async () => {
    const path = join(DIR, 'bad-jpeg2000.dcm');
    await expect(readDicom(path)).rejects.toMatchObject({ code: 'E_UNSUPPORTED_DICOM', path });
    await expect(readDicom(join(DIR, 'absent.dcm'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

describe('DICOM datasets through fromSources', () => {
  it('batches DICOM files; a bad one is skipped and reported with its code', async () => {
    const files = ['mono2-u12-explicit.dcm', 'mono1-u16-implicit.dcm', 'bad-rgb.dcm', 'mono2-u16-rle.dcm'];
    const dataset = fromSources({
      classes: ['a', 'b'],
      items: files.map((name, i) => ({ source: join(DIR, name), label: i % 2, file: name })),
      decode: (path) => readDicom(path),
      onError: 'skip',
    });
    let images = 0;
    for await (const batch of dataset.batch(4)) {
      expect(batch.images.shape).toEqual([3, 12, 16, 1]);
      images += batch.images.shape[0];
      tf.dispose([batch.images, batch.labels]);
    }
    expect(images).toBe(3);
    expect(dataset.report().skipped).toEqual([expect.objectContaining({ file: 'bad-rgb.dcm', code: 'E_UNSUPPORTED_DICOM' })]);
  });
});

describe('decodeDicomImage (node): DICOM through the decodeImage contract', () => {
  const path = join(DIR, 'mono2-u12-explicit.dcm');
  const g = golden.files['mono2-u12-explicit.dcm'] as Golden;

  it('no resize, 1 channel: the display values as 16-bit samples', async () => {
    const raw = await decodeDicomImage(path, { channels: 1 });
    expect([raw.width, raw.height, raw.channels]).toEqual([16, 12, 1]);
    expect(raw.data).toBeInstanceOf(Uint16Array);
    expect(maxAbsDiff(raw.data, g.display.map((v) => v * 65535))).toBeLessThanOrEqual(0.5 + 1e-3);
  });

  it('default 3 channels (gray copied), and imageSize resizes + centre-crops like decodeImage', async () => {
    const rgb = await decodeDicomImage(path);
    expect(rgb.channels).toBe(3);
    for (let i = 0; i < rgb.width * rgb.height; i++) {
      expect(rgb.data[3 * i]).toBe(rgb.data[3 * i + 1]);
      expect(rgb.data[3 * i]).toBe(rgb.data[3 * i + 2]);
    }
    const small = await decodeDicomImage(path, { channels: 1, imageSize: 8 });
    expect([small.width, small.height, small.channels]).toEqual([8, 8, 1]);
    const stretched = await decodeDicomImage(path, { channels: 1, imageSize: [6, 20], resize: 'stretch' });
    expect([stretched.width, stretched.height]).toEqual([20, 6]);
    // A linear downscale stays within the source range.
    const values = Array.from(small.data);
    const source = g.display.map((v) => Math.round(v * 65535));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(Math.min(...source));
    expect(Math.max(...values)).toBeLessThanOrEqual(Math.max(...source));
  });

  it('readDicomInfo reads the header only: size and format, unsupported files fail with their code', async () => {
    await expect(readDicomInfo(path)).resolves.toEqual({ width: 16, height: 12, channels: 1, depth: 'ushort', format: 'dicom' });
    await expect(readDicomInfo(join(DIR, 'bad-rgb.dcm'))).rejects.toMatchObject({ code: 'E_UNSUPPORTED_DICOM' });
  });

  it('keeps the DICOM error codes and the path', async () => {
    await expect(decodeDicomImage(join(DIR, 'bad-no-pixels.dcm'))).rejects.toMatchObject({ code: 'E_DICOM_NO_PIXELS', path: join(DIR, 'bad-no-pixels.dcm') });
  });
});

describe('imageFolder reads .dcm files', () => {
  it('a class folder of DICOM files loads like PNGs; an unsupported one is skipped with its code', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cxr-dicom-'));
    try {
      const layout: Record<string, string[]> = {
        covid: ['mono2-u12-explicit.dcm', 'mono1-u16-implicit.dcm'],
        normal: ['mono2-u16-rle.dcm', 'mono2-u8-jpeg-baseline.dcm', 'bad-jpeg2000.dcm'],
      };
      for (const [cls, names] of Object.entries(layout)) {
        await mkdir(join(root, cls));
        for (const name of names) await copyFile(join(DIR, name), join(root, cls, name.toUpperCase().replace('.DCM', '.dcm')));
      }
      const dataset = await imageFolder(root, { imageSize: 8, channels: 1, onError: 'skip' });
      expect(dataset.report().counts).toEqual({ covid: 2, normal: 2 });
      expect(dataset.report().skipped).toEqual([expect.objectContaining({ code: 'E_UNSUPPORTED_DICOM' })]);
      let n = 0;
      for await (const batch of dataset.batch(4)) {
        expect(batch.images.shape).toEqual([4, 8, 8, 1]);
        const [lo, hi] = tf.tidy(() => [tf.min(batch.images).dataSync()[0] as number, tf.max(batch.images).dataSync()[0] as number]);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        n += 4;
        tf.dispose([batch.images, batch.labels]);
      }
      expect(n).toBe(4);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
