/**
 * The bad-input corpus: a script writes every broken, odd or hostile input we know of into a
 * folder, one sub-folder per case, together with what each loader of `@cxr/data/node` must make
 * of it (a coded CxrError, a skip entry in the load report, or a correct load).
 * `packages/data/test/bad-input-corpus.test.ts` runs every loader over every case;
 * `docs/bad-inputs.md` is `corpusMarkdown(cases)`.
 *
 *   tsx packages/data/scripts/bad-input-corpus.ts <outDir>          write the corpus (+ cases.json)
 *   tsx packages/data/scripts/bad-input-corpus.ts --markdown        print the docs table
 *
 * Only sharp and node:fs here (no @cxr import at run time), so the script runs without a build.
 */
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { CxrErrorCode } from '@cxr/core';

/** The loaders the corpus test runs; see the test for the exact call of each. */
export const CORPUS_LOADERS = [
  'decodeImage',
  'imageFolder',
  'imageFolderSkip',
  'describeImageFolder',
  'metadataDataset',
  'readCsvTable',
  'leakageReport',
  'cachedDataset',
  'readNpy',
] as const;
export type CorpusLoader = (typeof CORPUS_LOADERS)[number];

/** A report entry a loader must produce: file relative to the case folder, its code, a phrase of its reason. */
export interface SkipEntry {
  file: string;
  code: CxrErrorCode;
  reason: string;
}

/** What a loader gives when it does not throw. Only the fields set are checked. */
export interface Loaded {
  /** Every sample of one pass: file (relative to the case folder) → class name. */
  samples?: Record<string, string>;
  /** Per-class image counts (describeImageFolder, imageFolder's report). */
  counts?: Record<string, number>;
  /** [height, width, channels] of the decoded target (3 channels asked for) or of an `.npy` array. */
  shape?: number[];
  /** Pixels of the decoded target, RGB in [0, 1], each within `tol`. */
  probes?: Array<{ y: number; x: number; rgb: [number, number, number]; tol: number }>;
  /** readCsvTable: header names and the number of data rows. */
  header?: string[];
  rows?: number;
  /** readCsvTable / metadataDataset: 1-based data rows listed as malformed. */
  malformed?: number[];
  /** cachedDataset: whether the first call found a valid cache. */
  hit?: boolean;
  /** leakageReport: how many files were hashed. */
  hashed?: number;
}

/**
 * The expected outcome of one loader on one case:
 * - `{ error }`: it throws a CxrError with this code (when the dataset is made or during one pass), message containing `message`;
 * - `{ skip, ok }`: it loads `ok`, and its report lists exactly these entries;
 * - `{ ok }`: it loads `ok` and reports nothing.
 */
export type Outcome = { error: CxrErrorCode; message?: string } | { skip: SkipEntry[]; ok: Loaded } | { ok: Loaded };

/** Options the test passes to the loaders of one case (on top of its fixed ones). */
export interface CaseOptions {
  maxPixels?: number;
  /** metadataDataset `classes`. */
  classes?: string[];
}

export interface CorpusCase {
  id: string;
  description: string;
  /** Files and folders written, relative to the case folder. */
  files: string[];
  /** The loader(s) the case is aimed at (it may be run by more, see `expect`). */
  targets: CorpusLoader[];
  /** The file decodeImage / readNpy read; a folder for imageFolder-like loaders is always `folder/`. */
  target?: string;
  options?: CaseOptions;
  expect: Partial<Record<CorpusLoader, Outcome>>;
  /** Where the outcome differs when the test runs as root (chmod 000 does not stop root). */
  expectAsRoot?: Partial<Record<CorpusLoader, Outcome>>;
  /** What the docs say about the outcome beyond the table. */
  note?: string;
}

/* ---------------------------------------------------------------------------------------------
 * Images
 * ------------------------------------------------------------------------------------------- */

const OK_W = 8;
const OK_H = 6;

/** The good image every folder case holds in both classes: 8×6 gray horizontal gradient. */
function gradient(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = Math.round((255 * x) / (width - 1));
  return data;
}

/** Deterministic noise (incompressible, so a truncated file really lacks pixel data). */
function noise(width: number, height: number, channels: number): Buffer {
  const data = Buffer.alloc(width * height * channels);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return data;
}

const gray = (data: Buffer, width: number, height: number) => sharp(data, { raw: { width, height, channels: 1 } });
const okPng = (): Promise<Buffer> => gray(gradient(OK_W, OK_H), OK_W, OK_H).png().toBuffer();

/** RGB image of vertical bars with these colours, each `bar` pixels wide. */
function bars(colours: Array<[number, number, number]>, bar: number, height: number): sharp.Sharp {
  const width = colours.length * bar;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colours[Math.floor(x / bar)] as [number, number, number], (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A 1×1 PNG whose IHDR claims width × height (CRC fixed), so only the header lies: no big buffer is ever made. */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await gray(Buffer.from([128]), 1, 1).png().toBuffer());
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('bad-input-corpus: sharp wrote a PNG without IHDR first');
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29); // CRC over chunk type + 13 data bytes
  return png;
}

/** A minimal NumPy .npy (format 1.0) with this descr/shape and raw body bytes. */
function npyBytes(descr: string, shape: number[], body: Uint8Array, fortran = false): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(total, 0x20);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(header, 0);
  header.writeUInt16LE(total - 10, 8);
  header.write(dict, 10, 'latin1');
  header[total - 1] = 0x0a;
  return Buffer.concat([header, body]);
}

/* ---------------------------------------------------------------------------------------------
 * Case builders
 * ------------------------------------------------------------------------------------------- */

type Write = (dir: string) => Promise<void>;
interface Built {
  meta: Omit<CorpusCase, 'files'>;
  write: Write;
  files: string[];
}

async function put(dir: string, rel: string, content: string | Uint8Array): Promise<void> {
  const path = join(dir, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** The two good images (folder/a/ok.png, folder/b/ok.png) every folder case starts from. */
const BASE_SAMPLES = { 'folder/a/ok.png': 'a', 'folder/b/ok.png': 'b' } as const;
const BASE_COUNTS = { a: 1, b: 1 };

async function writeBase(dir: string): Promise<void> {
  const png = await okPng();
  await put(dir, 'folder/a/ok.png', png);
  await put(dir, 'folder/b/ok.png', png);
}

/** metadata.csv naming each image (relative to folder/) with its class as the finding. */
function metadataCsv(rows: Array<[file: string, finding: string]>): string {
  const quote = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return ['filename,finding,patientid', ...rows.map(([f, c], i) => `${quote(f)},${quote(c)},p${i + 1}`)].join('\n') + '\n';
}

const BASE_ROWS: Array<[string, string]> = [
  ['a/ok.png', 'a'],
  ['b/ok.png', 'b'],
];

interface ImageCaseSpec {
  id: string;
  description: string;
  /** File name inside folder/a/. */
  name: string;
  /** The file's bytes, 'directory' for an empty folder of that name, or a symbolic link to `symlink`. */
  content: () => Promise<Uint8Array | string | 'directory' | { symlink: string }>;
  /** chmod the file to this mode after writing it. */
  mode?: number;
  /**
   * 'good': every loader loads it (shape/probes of a 3-channel decode);
   * a code + 'header': found by the up-front header check; a code + 'pixels': only when the pixels are decoded.
   */
  verdict: { good: { shape: number[]; probes?: Loaded['probes'] } } | { bad: CxrErrorCode; found: 'header' | 'pixels'; reason: string };
  options?: CaseOptions;
  /** Per-loader outcomes that differ from what the verdict implies. */
  override?: Partial<Record<CorpusLoader, Outcome>>;
  expectAsRoot?: Partial<Record<CorpusLoader, Outcome>>;
  note?: string;
}

/** A case about one image file, put in class a next to the two good images, and named in metadata.csv. */
function imageCase(spec: ImageCaseSpec): Built {
  const target = `folder/a/${spec.name}`;
  const expect: Partial<Record<CorpusLoader, Outcome>> = {};
  if ('good' in spec.verdict) {
    const { shape, probes } = spec.verdict.good;
    Object.assign(expect, goodOutcomes(target, { shape, ...(probes ? { probes } : {}) }));
  } else {
    const { bad, found, reason } = spec.verdict;
    const skip = [{ file: target, code: bad, reason }];
    expect.decodeImage = { error: bad };
    expect.imageFolder = { error: bad };
    expect.imageFolderSkip = { skip, ok: { samples: BASE_SAMPLES, counts: BASE_COUNTS } };
    expect.describeImageFolder = found === 'header' ? { skip, ok: { counts: BASE_COUNTS } } : { ok: { counts: { a: 2, b: 1 } } };
    expect.metadataDataset = { skip, ok: { samples: BASE_SAMPLES } };
    // leakageReport hashes what files() lists before any pass: a file only a decode rejects is listed, and skipped by the hash.
    expect.leakageReport = found === 'header' ? { ok: { hashed: 2 } } : { skip: [{ file: target, code: bad, reason: 'Cannot hash' }], ok: { hashed: 2 } };
    expect.cachedDataset = { skip, ok: { samples: BASE_SAMPLES, hit: false } };
  }
  Object.assign(expect, spec.override ?? {});
  const files = ['folder/a/ok.png', 'folder/b/ok.png', target, 'metadata.csv'];
  return {
    meta: {
      id: spec.id,
      description: spec.description,
      targets: ['decodeImage', 'imageFolder', 'imageFolderSkip', 'describeImageFolder', 'metadataDataset', 'leakageReport', 'cachedDataset'],
      target,
      ...(spec.options ? { options: spec.options } : {}),
      expect,
      ...(spec.expectAsRoot ? { expectAsRoot: spec.expectAsRoot } : {}),
      ...(spec.note ? { note: spec.note } : {}),
    },
    files,
    write: async (dir) => {
      await writeBase(dir);
      const content = await spec.content();
      if (content === 'directory') await mkdir(join(dir, target), { recursive: true });
      else if (typeof content === 'object' && 'symlink' in content) await symlink(content.symlink, join(dir, target));
      else await put(dir, target, content);
      if (spec.mode !== undefined) await chmod(join(dir, target), spec.mode);
      await put(dir, 'metadata.csv', metadataCsv([...BASE_ROWS, [`a/${spec.name}`, 'a']]));
    },
  };
}

/** A case about the layout of an image folder (imageFolder, describeImageFolder, leakageReport, cachedDataset). */
function folderCase(spec: {
  id: string;
  description: string;
  files: string[];
  write: Write;
  expect: Partial<Record<CorpusLoader, Outcome>>;
  expectAsRoot?: Partial<Record<CorpusLoader, Outcome>>;
  target?: string;
  note?: string;
}): Built {
  return {
    meta: {
      id: spec.id,
      description: spec.description,
      targets: ['imageFolder', 'imageFolderSkip', 'describeImageFolder'],
      ...(spec.target ? { target: spec.target } : {}),
      expect: spec.expect,
      ...(spec.expectAsRoot ? { expectAsRoot: spec.expectAsRoot } : {}),
      ...(spec.note ? { note: spec.note } : {}),
    },
    files: ['folder/a/ok.png', 'folder/b/ok.png', ...spec.files],
    write: async (dir) => {
      await writeBase(dir);
      await spec.write(dir);
    },
  };
}

/** A case about metadata.csv (readCsvTable, metadataDataset); images/ holds a.png … e.png. */
function csvCase(spec: { id: string; description: string; csv: string | Uint8Array; expect: Partial<Record<CorpusLoader, Outcome>>; options?: CaseOptions; note?: string }): Built {
  return {
    meta: {
      id: spec.id,
      description: spec.description,
      targets: ['readCsvTable', 'metadataDataset'],
      target: 'metadata.csv',
      ...(spec.options ? { options: spec.options } : {}),
      expect: spec.expect,
      ...(spec.note ? { note: spec.note } : {}),
    },
    files: [...CSV_IMAGES.map((f) => `images/${f}`), 'metadata.csv'],
    write: async (dir) => {
      const png = await okPng();
      for (const f of CSV_IMAGES) await put(dir, `images/${f}`, png);
      await put(dir, 'metadata.csv', spec.csv);
    },
  };
}

const CSV_IMAGES = ['a.png', 'b.png', 'c.png', 'd.png', 'x, y.png'];
const img = (f: string): string => `images/${f}`;

/** A case about one `.npy` file (readNpy). */
function npyCase(spec: { id: string; description: string; content: () => Uint8Array; expect: Outcome }): Built {
  return {
    meta: { id: spec.id, description: spec.description, targets: ['readNpy'], target: 'array.npy', expect: { readNpy: spec.expect } },
    files: ['array.npy'],
    write: async (dir) => put(dir, 'array.npy', spec.content()),
  };
}

/* ---------------------------------------------------------------------------------------------
 * The cases
 * ------------------------------------------------------------------------------------------- */

const GOOD_SHAPE = [OK_H, OK_W, 3];
const DECODE = 'Cannot decode';

function buildCases(): Built[] {
  const cases: Built[] = [
    // --- broken files ---
    imageCase({
      id: 'zero-byte-png',
      description: 'A zero-byte file named `.png`.',
      name: 'empty.png',
      content: async () => new Uint8Array(0),
      verdict: { bad: 'E_IMAGE_DECODE', found: 'header', reason: 'empty (0 bytes)' },
    }),
    imageCase({
      id: 'truncated-png',
      description: 'A 32×32 PNG cut at 60% of its bytes (IHDR intact, IDAT cut).',
      name: 'cut.png',
      content: async () => {
        const png = await sharp(noise(32, 32, 1), { raw: { width: 32, height: 32, channels: 1 } }).png().toBuffer();
        return png.subarray(0, Math.floor(png.length * 0.6));
      },
      verdict: { bad: 'E_IMAGE_DECODE', found: 'pixels', reason: DECODE },
      note: "The header is intact, so the default `verify: 'header'` admits it; the pass (or `verify: 'decode'`) rejects it.",
    }),
    imageCase({
      id: 'truncated-jpeg',
      description: 'A 32×32 JPEG cut at 60% of its bytes (no EOI marker).',
      name: 'cut.jpg',
      content: async () => {
        const jpg = await sharp(noise(32, 32, 3), { raw: { width: 32, height: 32, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
        return jpg.subarray(0, Math.floor(jpg.length * 0.6));
      },
      verdict: { bad: 'E_IMAGE_DECODE', found: 'pixels', reason: DECODE },
    }),
    imageCase({
      id: 'text-named-png',
      description: 'A text file named `.png`.',
      name: 'notes.png',
      content: async () => 'this is not an image\n',
      verdict: { bad: 'E_IMAGE_DECODE', found: 'header', reason: DECODE },
    }),
    imageCase({
      id: 'png-bad-crc',
      description: 'A PNG with one byte of its pixel data flipped (chunk CRC no longer matches).',
      name: 'crc.png',
      content: async () => {
        const png = Buffer.from(await sharp(noise(16, 16, 1), { raw: { width: 16, height: 16, channels: 1 } }).png().toBuffer());
        const idat = png.indexOf('IDAT', 0, 'latin1');
        png[idat + 8] = (png[idat + 8] as number) ^ 0xff;
        return png;
      },
      verdict: { bad: 'E_IMAGE_DECODE', found: 'pixels', reason: DECODE },
    }),
    // --- unusual but valid encodings ---
    imageCase({
      id: 'png-16bit',
      description: '16-bit grayscale PNG (values x·9000 up to 63000).',
      name: 'sixteen.png',
      content: async () => {
        const data = new Uint16Array(OK_W * OK_H);
        for (let i = 0; i < data.length; i++) data[i] = (i % OK_W) * 9000;
        return sharp(data, { raw: { width: OK_W, height: OK_H, channels: 1 } })
          .toColourspace('grey16')
          .png()
          .toBuffer();
      },
      // 63000/65535 = 0.96132; an 8-bit round trip would give 245/255 = 0.96078, outside the tolerance.
      verdict: { good: { shape: GOOD_SHAPE, probes: [{ y: 2, x: 7, rgb: [63000 / 65535, 63000 / 65535, 63000 / 65535], tol: 1e-4 }] } },
    }),
    imageCase({
      id: 'cmyk-jpeg',
      description: 'CMYK JPEG of a red | gray bar pair.',
      name: 'cmyk.jpg',
      content: async () =>
        bars(
          [
            [200, 30, 30],
            [128, 128, 128],
          ],
          8,
          8,
        )
          .toColourspace('cmyk')
          .jpeg({ quality: 95 })
          .toBuffer(),
      verdict: {
        good: {
          shape: [8, 16, 3],
          probes: [
            { y: 4, x: 3, rgb: [200 / 255, 30 / 255, 30 / 255], tol: 0.1 },
            { y: 4, x: 12, rgb: [128 / 255, 128 / 255, 128 / 255], tol: 0.1 },
          ],
        },
      },
      note: 'Converted to sRGB with the CMYK profile libvips ships; colours come back within 0.1.',
    }),
    imageCase({
      id: 'palette-png',
      description: 'Palette (indexed) PNG with four colours.',
      name: 'palette.png',
      content: async () =>
        bars(
          [
            [255, 0, 0],
            [0, 255, 0],
            [0, 0, 255],
            [255, 255, 255],
          ],
          2,
          OK_H,
        )
          .png({ palette: true, colours: 4, dither: 0 })
          .toBuffer(),
      verdict: {
        good: {
          shape: GOOD_SHAPE,
          probes: [
            { y: 1, x: 0, rgb: [1, 0, 0], tol: 1e-6 },
            { y: 1, x: 3, rgb: [0, 1, 0], tol: 1e-6 },
            { y: 1, x: 5, rgb: [0, 0, 1], tol: 1e-6 },
            { y: 1, x: 7, rgb: [1, 1, 1], tol: 1e-6 },
          ],
        },
      },
    }),
    imageCase({
      id: 'rgba-png',
      description: 'RGBA PNG (alpha channel, half transparent).',
      name: 'rgba.png',
      content: async () => {
        const data = Buffer.alloc(OK_W * OK_H * 4);
        for (let i = 0; i < OK_W * OK_H; i++) data.set([10, 20, 30, 128], i * 4);
        return sharp(data, { raw: { width: OK_W, height: OK_H, channels: 4 } }).png().toBuffer();
      },
      verdict: { good: { shape: GOOD_SHAPE, probes: [{ y: 0, x: 0, rgb: [10 / 255, 20 / 255, 30 / 255], tol: 1e-6 }] } },
      note: 'Alpha is dropped, not blended: the colour values are kept as stored.',
    }),
    imageCase({
      id: 'one-pixel',
      description: 'A 1×1 image.',
      name: 'dot.png',
      content: async () => gray(Buffer.from([77]), 1, 1).png().toBuffer(),
      verdict: { good: { shape: [1, 1, 3], probes: [{ y: 0, x: 0, rgb: [77 / 255, 77 / 255, 77 / 255], tol: 1e-6 }] } },
    }),
    imageCase({
      id: 'exif-rotated-jpeg',
      description: 'A 16×8 JPEG (left half black, right half white) with EXIF orientation 6 (rotate 90° clockwise).',
      name: 'rotated.jpg',
      content: async () =>
        bars(
          [
            [0, 0, 0],
            [255, 255, 255],
          ],
          8,
          8,
        )
          .jpeg({ quality: 95 })
          .withMetadata({ orientation: 6 })
          .toBuffer(),
      verdict: {
        good: {
          // Displayed upright it is 8 wide and 16 high, black on top (the stored left half).
          shape: [16, 8, 3],
          probes: [
            { y: 2, x: 4, rgb: [0, 0, 0], tol: 0.1 },
            { y: 13, x: 4, rgb: [1, 1, 1], tol: 0.1 },
          ],
        },
      },
    }),
    imageCase({
      id: 'jpeg-named-png',
      description: 'A JPEG file named `.png`.',
      name: 'really-a-jpeg.png',
      content: async () => gray(gradient(OK_W, OK_H), OK_W, OK_H).jpeg({ quality: 100 }).toBuffer(),
      verdict: { good: { shape: GOOD_SHAPE, probes: [{ y: 0, x: 0, rgb: [0, 0, 0], tol: 0.05 }] } },
      note: 'Formats are sniffed from the bytes, not the extension.',
    }),
    imageCase({
      id: 'gif',
      description: 'A GIF.',
      name: 'anim.gif',
      content: async () => bars([[255, 0, 0], [0, 0, 255]], 4, OK_H).gif().toBuffer(),
      verdict: { good: { shape: GOOD_SHAPE, probes: [{ y: 0, x: 0, rgb: [1, 0, 0], tol: 0.02 }] } },
    }),
    imageCase({
      id: 'webp',
      description: 'A lossless WebP.',
      name: 'image.webp',
      content: async () => gray(gradient(OK_W, OK_H), OK_W, OK_H).webp({ lossless: true }).toBuffer(),
      verdict: { good: { shape: GOOD_SHAPE, probes: [{ y: 3, x: 7, rgb: [1, 1, 1], tol: 1e-6 }] } },
    }),
    imageCase({
      id: 'tiff',
      description: 'A TIFF.',
      name: 'scan.tiff',
      content: async () => gray(gradient(OK_W, OK_H), OK_W, OK_H).tiff().toBuffer(),
      verdict: { good: { shape: GOOD_SHAPE, probes: [{ y: 3, x: 7, rgb: [1, 1, 1], tol: 1e-6 }] } },
    }),
    imageCase({
      id: 'uppercase-extension',
      description: 'An image named `IMG_0001.PNG` (upper-case extension).',
      name: 'IMG_0001.PNG',
      content: okPng,
      verdict: { good: { shape: GOOD_SHAPE } },
    }),
    imageCase({
      id: 'unicode-space-name',
      description: 'An image named `chest x-ray ü, 1.png` (spaces, a comma, non-ASCII).',
      name: 'chest x-ray ü, 1.png',
      content: okPng,
      verdict: { good: { shape: GOOD_SHAPE } },
    }),
    // --- size limits ---
    imageCase({
      id: 'decompression-bomb',
      description: 'A PNG header claiming 20000×20000 (400 megapixels; the file is 1×1 with a patched IHDR).',
      name: 'bomb.png',
      content: () => pngClaiming(20000, 20000),
      verdict: { bad: 'E_IMAGE_TOO_LARGE', found: 'header', reason: 'more than maxPixels' },
      override: {
        // describeImageFolder reads headers only and has no limit by default: it reports the claimed size.
        describeImageFolder: { ok: { counts: { a: 2, b: 1 } } },
      },
      note: 'Refused from its header before any pixel buffer is allocated (default `maxPixels` 100 000 000).',
    }),
    imageCase({
      id: 'over-max-pixels',
      description: 'A 64×64 image loaded with `maxPixels: 1000` (the limit is an option).',
      name: 'big.png',
      content: () => gray(gradient(64, 64), 64, 64).png().toBuffer(),
      options: { maxPixels: 1000 },
      verdict: { bad: 'E_IMAGE_TOO_LARGE', found: 'header', reason: 'more than maxPixels' },
    }),
    // --- files in the way ---
    imageCase({
      id: 'directory-named-png',
      description: 'An empty directory named `x.png` inside a class folder (and named in metadata.csv).',
      name: 'x.png',
      content: async () => 'directory',
      verdict: { bad: 'E_IMAGE_DECODE', found: 'header', reason: 'not a file' },
      override: {
        decodeImage: { error: 'E_IMAGE_DECODE', message: 'is not a file' },
        // The folder walk enters x.png/ like any sub-folder and finds nothing there.
        imageFolder: { ok: { samples: BASE_SAMPLES, counts: BASE_COUNTS } },
        imageFolderSkip: { ok: { samples: BASE_SAMPLES, counts: BASE_COUNTS } },
        describeImageFolder: { ok: { counts: BASE_COUNTS } },
        metadataDataset: { skip: [{ file: 'folder/a/x.png', code: 'E_NOT_FOUND', reason: 'image file not found' }], ok: { samples: BASE_SAMPLES } },
        cachedDataset: { ok: { samples: BASE_SAMPLES, hit: false } },
      },
    }),
    // --- links and permissions ---
    imageCase({
      id: 'unreadable-file',
      description: 'A valid PNG with permissions 000 (chmod 000).',
      name: 'locked.png',
      content: okPng,
      mode: 0o000,
      verdict: { bad: 'E_IO', found: 'header', reason: 'Check its permissions' },
      override: { leakageReport: { ok: { hashed: 2 } } },
      expectAsRoot: goodOutcomes('folder/a/locked.png', { shape: GOOD_SHAPE }),
      note: 'root reads a file whatever its mode, so when the test runs as root (as in CI containers) the file loads; as any other user every loader gives E_IO (skip entry in skip mode).',
    }),
    imageCase({
      id: 'symlink-self-loop',
      description: 'A symbolic link `self.png` that points to itself (ELOOP).',
      name: 'self.png',
      content: async () => ({ symlink: 'self.png' }),
      verdict: { bad: 'E_IO', found: 'header', reason: 'symbolic link' },
      override: { metadataDataset: { skip: [{ file: 'folder/a/self.png', code: 'E_NOT_FOUND', reason: 'image file not found' }], ok: { samples: BASE_SAMPLES } } },
    }),
    imageCase({
      id: 'dangling-symlink',
      description: 'A symbolic link `gone.png` to a file that does not exist.',
      name: 'gone.png',
      content: async () => ({ symlink: 'missing-target.png' }),
      verdict: { bad: 'E_NOT_FOUND', found: 'header', reason: 'No such file' },
      override: { metadataDataset: { skip: [{ file: 'folder/a/gone.png', code: 'E_NOT_FOUND', reason: 'image file not found' }], ok: { samples: BASE_SAMPLES } } },
    }),
    folderCase({
      id: 'symlink-loop-dir',
      description: 'A symbolic link `folder/a/loop → ..` (back up to the dataset folder) inside class a.',
      files: ['folder/a/loop'],
      write: async (dir) => symlink('..', join(dir, 'folder/a/loop')),
      expect: layoutOutcomes([{ file: 'folder/a/loop', code: 'E_UNSUPPORTED_FILE', reason: 'symbolic link loop' }]),
      note: "Without the loop check the walk would go on into folder/a/loop/b/ and file class b's images under class a.",
    }),
    folderCase({
      id: 'symlink-loop-root',
      description: 'A symbolic link `folder/self → .` at the top level (a would-be class folder that is the dataset itself).',
      files: ['folder/self'],
      write: async (dir) => symlink('.', join(dir, 'folder/self')),
      expect: layoutOutcomes([{ file: 'folder/self', code: 'E_UNSUPPORTED_FILE', reason: 'symbolic link loop' }]),
    }),
    // --- folder layout ---
    folderCase({
      id: 'empty-class-folder',
      description: 'A third class folder `c/` with no file in it.',
      files: ['folder/c/'],
      write: async (dir) => {
        await mkdir(join(dir, 'folder/c'), { recursive: true });
      },
      expect: {
        imageFolder: { error: 'E_EMPTY_CLASS', message: 'folder/c' },
        imageFolderSkip: { skip: [EMPTY_C], ok: { samples: BASE_SAMPLES, counts: { a: 1, b: 1, c: 0 } } },
        describeImageFolder: { ok: { counts: { a: 1, b: 1, c: 0 } } },
        leakageReport: { ok: { hashed: 2 } },
        cachedDataset: { skip: [EMPTY_C], ok: { samples: BASE_SAMPLES, hit: false } },
      },
      note: "torchvision's ImageFolder raises for an empty class, Keras keeps it with 0 files: `onError: 'throw'` (default) raises E_EMPTY_CLASS, `onError: 'skip'` keeps class c (index 2, 0 samples) and reports it.",
    }),
    folderCase({
      id: 'class-with-only-hidden-files',
      description: 'A class folder `c/` holding only `.DS_Store`.',
      files: ['folder/c/.DS_Store'],
      write: async (dir) => put(dir, 'folder/c/.DS_Store', 'Bud1'),
      expect: {
        imageFolder: { error: 'E_EMPTY_CLASS', message: 'hidden or non-image' },
        imageFolderSkip: { skip: [DS_STORE_C, EMPTY_C], ok: { samples: BASE_SAMPLES, counts: { a: 1, b: 1, c: 0 } } },
        describeImageFolder: { skip: [DS_STORE_C], ok: { counts: { a: 1, b: 1, c: 0 } } },
        leakageReport: { ok: { hashed: 2 } },
        cachedDataset: { skip: [DS_STORE_C, EMPTY_C], ok: { samples: BASE_SAMPLES, hit: false } },
      },
    }),
    folderCase({
      id: 'hidden-files',
      description: '`.DS_Store` files, a macOS `._ok.png` resource fork, a hidden `.git/` and a hidden sub-folder with an image.',
      files: ['folder/.DS_Store', 'folder/.git/HEAD', 'folder/a/.DS_Store', 'folder/a/._ok.png', 'folder/b/.thumbs/ok.png'],
      write: async (dir) => {
        await put(dir, 'folder/.DS_Store', 'Bud1');
        await put(dir, 'folder/.git/HEAD', 'ref: refs/heads/main\n');
        await put(dir, 'folder/a/.DS_Store', 'Bud1');
        await put(dir, 'folder/a/._ok.png', Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]));
        await put(dir, 'folder/b/.thumbs/ok.png', await okPng());
      },
      expect: layoutOutcomes([
        { file: 'folder/.DS_Store', code: 'E_UNSUPPORTED_FILE', reason: 'hidden file' },
        { file: 'folder/.git', code: 'E_UNSUPPORTED_FILE', reason: 'hidden folder, not a class' },
        { file: 'folder/a/.DS_Store', code: 'E_UNSUPPORTED_FILE', reason: 'hidden file' },
        { file: 'folder/a/._ok.png', code: 'E_UNSUPPORTED_FILE', reason: 'hidden file' },
        { file: 'folder/b/.thumbs', code: 'E_UNSUPPORTED_FILE', reason: 'hidden folder' },
      ]),
    }),
    folderCase({
      id: 'non-image-extensions',
      description: 'Non-image files: `a/notes.txt`, `a/labels.csv`, `b/model.json`, a top-level `README.md`.',
      files: ['folder/README.md', 'folder/a/labels.csv', 'folder/a/notes.txt', 'folder/b/model.json'],
      write: async (dir) => {
        await put(dir, 'folder/README.md', '# data\n');
        await put(dir, 'folder/a/labels.csv', 'file,label\n');
        await put(dir, 'folder/a/notes.txt', 'notes\n');
        await put(dir, 'folder/b/model.json', '{}\n');
      },
      expect: layoutOutcomes([
        { file: 'folder/README.md', code: 'E_UNSUPPORTED_FILE', reason: 'outside any class folder' },
        { file: 'folder/a/labels.csv', code: 'E_UNSUPPORTED_FILE', reason: 'not an image extension' },
        { file: 'folder/a/notes.txt', code: 'E_UNSUPPORTED_FILE', reason: 'not an image extension' },
        { file: 'folder/b/model.json', code: 'E_UNSUPPORTED_FILE', reason: 'not an image extension' },
      ]),
    }),
    folderCase({
      id: 'cache-manifest-garbage',
      description: 'A cache folder whose `manifest.json` is not JSON.',
      files: ['cache/manifest.json'],
      write: async (dir) => put(dir, 'cache/manifest.json', '{"format": "cxr-npy-cache", '),
      expect: { cachedDataset: { ok: { samples: BASE_SAMPLES, hit: false } } },
      note: 'An unreadable manifest means "no cache": it is rebuilt, never trusted.',
    }),
    // --- metadata CSV ---
    csvCase({
      id: 'csv-missing-column',
      description: 'metadata.csv without the label column (`filename,patientid`).',
      csv: 'filename,patientid\na.png,p1\nb.png,p2\n',
      expect: {
        readCsvTable: { ok: { header: ['filename', 'patientid'], rows: 2, malformed: [] } },
        metadataDataset: { error: 'E_MISSING_COLUMN', message: "label → 'finding'" },
      },
    }),
    csvCase({
      id: 'csv-bom',
      description: 'metadata.csv starting with a UTF-8 byte-order mark.',
      csv: '\ufefffilename,finding,patientid\na.png,A,p1\nb.png,B,p2\n',
      expect: {
        readCsvTable: { ok: { header: ['filename', 'finding', 'patientid'], rows: 2, malformed: [] } },
        metadataDataset: { ok: { samples: { [img('a.png')]: 'A', [img('b.png')]: 'B' }, malformed: [] } },
      },
    }),
    csvCase({
      id: 'csv-quoted-commas',
      description: 'Quoted fields with commas (file `"x, y.png"`, label `"COVID-19, ARDS"`) and CRLF line ends.',
      csv: 'filename,finding,patientid\r\n"x, y.png","COVID-19, ARDS",p1\r\na.png,Normal,p2\r\n',
      expect: {
        readCsvTable: { ok: { header: ['filename', 'finding', 'patientid'], rows: 2, malformed: [] } },
        metadataDataset: { ok: { samples: { [img('x, y.png')]: 'COVID-19, ARDS', [img('a.png')]: 'Normal' }, malformed: [] } },
      },
    }),
    csvCase({
      id: 'csv-missing-images',
      description: 'A row naming an image file that is not in images/.',
      csv: 'filename,finding,patientid\na.png,A,p1\nb.png,B,p2\ngone.png,A,p3\n',
      expect: {
        readCsvTable: { ok: { rows: 3, malformed: [] } },
        metadataDataset: {
          skip: [{ file: img('gone.png'), code: 'E_NOT_FOUND', reason: 'row 3 of metadata.csv: image file not found' }],
          ok: { samples: { [img('a.png')]: 'A', [img('b.png')]: 'B' } },
        },
      },
    }),
    csvCase({
      id: 'csv-empty-and-nan-labels',
      description: 'Rows whose label is empty, `NaN`, `nan` or `N/A` (what pandas writes for a missing value).',
      csv: 'filename,finding,patientid\na.png,A,p1\nb.png,B,p2\nc.png,,p3\nd.png,NaN,p4\n"x, y.png",N/A,p5\nd.png,nan,p6\n',
      expect: {
        readCsvTable: { ok: { rows: 6, malformed: [] } },
        metadataDataset: {
          skip: [
            { file: 'metadata.csv:row 3', code: 'E_MALFORMED_ROW', reason: "empty 'finding' cell" },
            { file: 'metadata.csv:row 4', code: 'E_MALFORMED_ROW', reason: "missing value 'NaN'" },
            { file: 'metadata.csv:row 5', code: 'E_MALFORMED_ROW', reason: "missing value 'N/A'" },
            { file: 'metadata.csv:row 6', code: 'E_MALFORMED_ROW', reason: "missing value 'nan'" },
          ],
          ok: { samples: { [img('a.png')]: 'A', [img('b.png')]: 'B' } },
        },
      },
      note: "Without an explicit `classes` option, pandas' missing-value spellings (`NaN`, `nan`, `NA`, `N/A`, `null`, `None`, `<NA>`, …) are not turned into a class. Name such a value in `classes` if it really is one.",
    }),
    csvCase({
      id: 'csv-duplicate-rows',
      description: 'The same file twice with the same label, and another file twice with different labels.',
      csv: 'filename,finding,patientid\na.png,A,p1\na.png,A,p1\nb.png,B,p2\nc.png,A,p3\nc.png,B,p3\n',
      expect: {
        readCsvTable: { ok: { rows: 5, malformed: [] } },
        metadataDataset: {
          skip: [
            { file: img('a.png'), code: 'E_DUPLICATE_FILE', reason: 'kept once' },
            { file: img('c.png'), code: 'E_DUPLICATE_FILE', reason: 'both dropped' },
          ],
          ok: { samples: { [img('a.png')]: 'A', [img('b.png')]: 'B' } },
        },
      },
    }),
    csvCase({
      id: 'csv-header-only',
      description: 'metadata.csv with a header and no data row.',
      csv: 'filename,finding,patientid\n',
      expect: { readCsvTable: { ok: { rows: 0, malformed: [] } }, metadataDataset: { error: 'E_NO_ROWS', message: 'no data rows' } },
    }),
    csvCase({
      id: 'csv-zero-byte',
      description: 'An empty (0-byte) metadata.csv.',
      csv: '',
      expect: { readCsvTable: { error: 'E_NO_ROWS' }, metadataDataset: { error: 'E_NO_ROWS' } },
    }),
    csvCase({
      id: 'csv-ragged-rows',
      description: 'A row with an extra trailing field and a row with a field short (no patient id).',
      csv: 'filename,finding,patientid\na.png,A,p1,extra\nb.png,B\nc.png,A,p3\n',
      expect: {
        readCsvTable: { ok: { rows: 3, malformed: [1, 2] } },
        metadataDataset: { ok: { samples: { [img('a.png')]: 'A', [img('b.png')]: 'B', [img('c.png')]: 'A' }, malformed: [1, 2] } },
      },
      note: 'Ragged rows are kept when the named columns can be read and listed in `metadataReport().malformed`.',
    }),
    csvCase({
      id: 'csv-unquoted-comma',
      description: 'An unquoted comma in a file name (`x, y.png,B,p2`) shifts the row: file `x`, label `y.png`.',
      csv: 'filename,finding,patientid\na.png,A,p1\nx, y.png,B,p2\nb.png,B,p3\n',
      expect: {
        readCsvTable: { ok: { rows: 3, malformed: [2] } },
        metadataDataset: {
          skip: [{ file: img('x'), code: 'E_NOT_FOUND', reason: 'row 2 of metadata.csv: image file not found' }],
          ok: { samples: { [img('a.png')]: 'A', [img('b.png')]: 'B' }, malformed: [2] },
        },
      },
      note: "The shifted row names no existing file, so it is reported and dropped; its label `y.png` does not become a third (empty) class, because inferred classes come from rows whose image exists.",
    }),
    csvCase({
      id: 'csv-unclosed-quote',
      description: 'A quote opened on line 3 and never closed.',
      csv: 'filename,finding,patientid\na.png,A,p1\n"b.png,B,p2\nc.png,A,p3\n',
      expect: { readCsvTable: { error: 'E_MALFORMED_ROW', message: 'data row 2' }, metadataDataset: { error: 'E_MALFORMED_ROW', message: 'data row 2' } },
    }),
    csvCase({
      id: 'csv-label-not-in-classes',
      description: 'A label (`C`) that the `classes` option does not list.',
      csv: 'filename,finding,patientid\na.png,A,p1\nb.png,B,p2\nc.png,C,p3\n',
      options: { classes: ['A', 'B'] },
      expect: { metadataDataset: { ok: { samples: { [img('a.png')]: 'A', [img('b.png')]: 'B' } } } },
      note: "Listing classes is a filter: rows with other labels are left out (counted in `metadataReport().steps` as the 'classes' step), never given a listed class.",
    }),
    // --- .npy files ---
    npyCase({ id: 'npy-zero-byte', description: 'A zero-byte `.npy` file.', content: () => new Uint8Array(0), expect: { error: 'E_IO' } }),
    npyCase({
      id: 'npy-truncated',
      description: 'A float32 [4, 4] `.npy` file with only 10 of its 16 values.',
      content: () => npyBytes('<f4', [4, 4], new Uint8Array(40)),
      expect: { error: 'E_IO', message: 'truncated' },
    }),
    npyCase({ id: 'npy-text', description: 'A text file named `.npy`.', content: () => Buffer.from('not numpy\n'), expect: { error: 'E_IO' } }),
    npyCase({
      id: 'npy-fortran-order',
      description: 'A `.npy` file in Fortran (column-major) order.',
      content: () => npyBytes('<f4', [2, 2], new Uint8Array(16), true),
      expect: { error: 'E_BAD_ARGUMENT', message: 'Fortran' },
    }),
    npyCase({
      id: 'npy-complex-dtype',
      description: 'A complex64 (`<c8`) `.npy` file.',
      content: () => npyBytes('<c8', [2], new Uint8Array(16)),
      expect: { error: 'E_BAD_ARGUMENT' },
    }),
  ];
  return cases;
}

const EMPTY_C: SkipEntry = { file: 'folder/c', code: 'E_EMPTY_CLASS', reason: '0 samples' };
const DS_STORE_C: SkipEntry = { file: 'folder/c/.DS_Store', code: 'E_UNSUPPORTED_FILE', reason: 'hidden file' };

/** Outcomes of a layout case where the two good images load and these entries are reported by every folder loader. */
function layoutOutcomes(skip: SkipEntry[]): Partial<Record<CorpusLoader, Outcome>> {
  return {
    imageFolder: { skip, ok: { samples: BASE_SAMPLES, counts: BASE_COUNTS } },
    imageFolderSkip: { skip, ok: { samples: BASE_SAMPLES, counts: BASE_COUNTS } },
    describeImageFolder: { skip, ok: { counts: BASE_COUNTS } },
    leakageReport: { ok: { hashed: 2 } },
    cachedDataset: { skip, ok: { samples: BASE_SAMPLES, hit: false } },
  };
}

/** Outcomes where a third image, `target` in class a, loads everywhere. */
function goodOutcomes(target: string, decoded: Loaded): Partial<Record<CorpusLoader, Outcome>> {
  const samples = { ...BASE_SAMPLES, [target]: 'a' };
  const counts = { a: 2, b: 1 };
  return {
    decodeImage: { ok: decoded },
    imageFolder: { ok: { samples, counts } },
    imageFolderSkip: { ok: { samples, counts } },
    describeImageFolder: { ok: { counts } },
    metadataDataset: { ok: { samples } },
    leakageReport: { ok: { hashed: 3 } },
    cachedDataset: { ok: { samples, hit: false } },
  };
}

/* ---------------------------------------------------------------------------------------------
 * Writing and describing the corpus
 * ------------------------------------------------------------------------------------------- */

/** Write every case into `dir/<id>/` (the folder is emptied first) and return the case list. */
export async function writeBadInputCorpus(dir: string): Promise<CorpusCase[]> {
  const root = resolve(dir);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  const out: CorpusCase[] = [];
  for (const built of buildCases()) {
    const caseDir = join(root, built.meta.id);
    await mkdir(caseDir, { recursive: true });
    await built.write(caseDir);
    out.push({ ...built.meta, files: built.files });
  }
  await writeFile(join(root, 'cases.json'), `${JSON.stringify(out, null, 1)}\n`);
  return out;
}

/** The case list without writing anything (for the docs). */
export function badInputCases(): CorpusCase[] {
  return buildCases().map((b) => ({ ...b.meta, files: b.files }));
}

const LOADER_CALLS: Record<CorpusLoader, string> = {
  decodeImage: '`decodeImage(target, { channels: 3 })`',
  imageFolder: "`imageFolder('folder')` (onError 'throw', default) and one pass",
  imageFolderSkip: "`imageFolder('folder', { onError: 'skip' })` and one pass",
  describeImageFolder: "`describeImageFolder('folder')`",
  metadataDataset: "`metadataDataset({ csv: 'metadata.csv', onError: 'skip' })` and one pass",
  readCsvTable: "`readCsvTable('metadata.csv')`",
  leakageReport: '`leakageReport(ds, ds.take(1))` on the skip-mode imageFolder, before any pass',
  cachedDataset: '`cachedDataset(ds, cacheDir)` on the skip-mode imageFolder, then one pass',
  readNpy: '`readNpy(target)`',
};

function cell(outcome: Outcome | undefined): string {
  if (!outcome) return '';
  if ('error' in outcome) return `**${outcome.error}**`;
  const shape = outcome.ok.shape ? ` [${outcome.ok.shape.join('×')}]` : '';
  if (!('skip' in outcome)) return `ok${shape}`;
  const codes = [...new Set(outcome.skip.map((s) => s.code))];
  return `skip ${codes.join(', ')}${shape}`;
}

/**
 * The generated part of docs/bad-inputs.md: one row per case, one column per loader. A bold code
 * is a thrown CxrError; "skip X" is a load that reports entries with code E_X; "ok" loads
 * everything (with the decoded [height×width×channels]); empty = not run.
 */
export function corpusMarkdown(cases: readonly CorpusCase[]): string {
  const lines: string[] = [];
  lines.push('| Loader | Call in the corpus test |', '| --- | --- |');
  for (const loader of CORPUS_LOADERS) lines.push(`| \`${loader}\` | ${LOADER_CALLS[loader]} |`);
  lines.push('', `| Case | Input | ${CORPUS_LOADERS.map((l) => `\`${l}\``).join(' | ')} |`, `| --- | --- |${CORPUS_LOADERS.map(() => ' --- |').join('')}`);
  const notes: string[] = [];
  for (const c of cases) {
    const input = c.description + (c.options ? ` Options \`${JSON.stringify(c.options)}\`.` : '');
    const cells = CORPUS_LOADERS.map((l) => {
      const asRoot = c.expectAsRoot?.[l];
      return cell(c.expect[l]) + (asRoot ? ` (root: ${cell(asRoot)})` : '');
    });
    if (c.note) notes.push(`- \`${c.id}\`: ${c.note}`);
    lines.push(`| \`${c.id}\` | ${input.replace(/\|/g, '\\|')} | ${cells.join(' | ')} |`);
  }
  lines.push('', 'Notes:', '', ...notes);
  return lines.join('\n');
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const arg = process.argv[2];
  if (arg === '--markdown') {
    console.log(corpusMarkdown(badInputCases()));
    process.exit(0);
  }
  if (arg === undefined) {
    console.error('usage: tsx packages/data/scripts/bad-input-corpus.ts <outDir> | --markdown');
    process.exit(2);
  }
  const cases = await writeBadInputCorpus(arg);
  console.log(`${cases.length} cases written to ${resolve(arg)} (case list: cases.json)`);
}
