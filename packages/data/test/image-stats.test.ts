import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatStatsTable, summarizeImageStats } from '../src/index.js';
import { describeImageFolder } from '../src/node.js';
import { CXR3, tempDir, writeImage, writeRaw } from './fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir();
});
afterAll(() => tmp.cleanup());

/** Width and height straight from a PNG IHDR or a JPEG SOF marker: independent of sharp. */
function headerSize(bytes: Buffer): { width: number; height: number; format: string; channels: number } {
  if (bytes.readUInt32BE(0) === 0x89504e47) {
    const channels = ({ 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 } as Record<number, number>)[bytes[25] as number] ?? 0;
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), format: 'png', channels };
  }
  let p = 2;
  while (p < bytes.length) {
    if (bytes[p] !== 0xff) throw new Error('bad JPEG marker');
    const marker = bytes[p + 1] as number;
    const length = bytes.readUInt16BE(p + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { width: bytes.readUInt16BE(p + 7), height: bytes.readUInt16BE(p + 5), format: 'jpeg', channels: bytes[p + 9] as number };
    }
    p += 2 + length;
  }
  throw new Error('no SOF marker');
}

describe('describeImageFolder', () => {
  it('counts, min / max / mean sizes, channels and formats per class from headers; table and JSON', async () => {
    const root = join(tmp.dir, 'eda');
    await writeImage(join(root, 'NORMAL', 'a.png'), { width: 10, height: 20 });
    await writeImage(join(root, 'NORMAL', 'sub', 'b.jpg'), { width: 30, height: 8, channels: 3 });
    await writeImage(join(root, 'COVID19', 'c.png'), { width: 12, height: 12, channels: 3 });
    await writeRaw(join(root, 'COVID19', 'broken.png'), 'not a png');
    await writeRaw(join(root, 'COVID19', 'notes.txt'), 'hello');
    await writeRaw(join(root, 'EMPTY', '.keep'), '');

    const stats = await describeImageFolder(root);
    expect(stats.classes).toEqual(['COVID19', 'EMPTY', 'NORMAL']);
    expect(stats.perClass[2]).toEqual({
      name: 'NORMAL',
      count: 2,
      width: { min: 10, max: 30, mean: 20 },
      height: { min: 8, max: 20, mean: 14 },
      channels: { '3': 2 }, // sharp writes writeImage's 1-channel PNG as RGB
      formats: { jpeg: 1, png: 1 },
    });
    expect(stats.perClass[1]).toMatchObject({ count: 0, width: { min: null, max: null, mean: null } });
    expect(stats.total).toMatchObject({ name: 'total', count: 3, width: { min: 10, max: 30 }, height: { min: 8, max: 20 } });
    expect(stats.total.width.mean).toBeCloseTo(52 / 3, 12);
    expect(stats.skipped.map((s) => [s.file.slice(root.length + 1), s.code])).toEqual(
      expect.arrayContaining([
        ['COVID19/notes.txt', 'E_UNSUPPORTED_FILE'],
        ['COVID19/broken.png', 'E_IMAGE_DECODE'],
      ]),
    );
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);

    expect(formatStatsTable(stats)).toBe(
      [
        'class    count  min_w  max_w  mean_w  min_h  max_h  mean_h  channels  formats',
        'COVID19      1     12     12    12.0     12     12    12.0  3:1       png:1',
        'EMPTY        0      -      -       -      -      -       -  -         -',
        'NORMAL       2     10     30    20.0      8     20    14.0  3:2       jpeg:1 png:1',
        'total        3     10     30    17.3      8     20    13.3  3:3       jpeg:1 png:2',
        '',
      ].join('\n'),
    );
    expect((await describeImageFolder(root, { classes: ['NORMAL'] })).total.count).toBe(2);
    await expect(describeImageFolder(root, { onError: 'throw' })).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
    await expect(describeImageFolder(root, { classes: ['nope'] })).rejects.toMatchObject({ code: 'E_UNKNOWN_CLASS' });
    await expect(describeImageFolder(join(root, 'missing'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect(() => formatStatsTable({} as never)).toThrow(/describeImageFolder/);
  });

  it('summarizeImageStats works from plain facts (browser-safe)', () => {
    const stats = summarizeImageStats(['a', 'b'], [
      { label: 0, width: 4, height: 2, channels: 1, format: 'png' },
      { label: 0, width: 6, height: 2, channels: 1, format: 'png' },
    ]);
    expect(stats.perClass[0]?.width).toEqual({ min: 4, max: 6, mean: 5 });
    expect(stats.perClass[1]?.count).toBe(0);
  });

  it.skipIf(!existsSync(join(CXR3, 'train')))(`cxr3/train: sizes of the stored (downscaled) files, checked against their headers${existsSync(join(CXR3, 'train')) ? '' : ' (skipped: no cxr3)'}`, async () => {
    const train = join(CXR3, 'train');
    const stats = await describeImageFolder(train);
    expect(stats.classes).toEqual(['COVID19', 'NORMAL', 'PNEUMONIA']);
    expect(stats.skipped).toEqual([]);
    // The manifest's counts (orig_width / orig_height there are the originals, not the stored files).
    const manifest = (await readFile(join(CXR3, 'manifest.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(','));
    for (const row of stats.perClass) {
      expect(row.count).toBe(manifest.filter((r) => r[0] === 'train' && r[1] === row.name).length);
    }
    expect(stats.total.count).toBe(251);
    for (const row of stats.perClass) {
      const sizes = await Promise.all((await readdir(join(train, row.name))).map(async (f) => headerSize(await readFile(join(train, row.name, f)))));
      const w = sizes.map((s) => s.width);
      const h = sizes.map((s) => s.height);
      expect(row.width).toEqual({ min: Math.min(...w), max: Math.max(...w), mean: w.reduce((a, b) => a + b, 0) / w.length });
      expect(row.height).toEqual({ min: Math.min(...h), max: Math.max(...h), mean: h.reduce((a, b) => a + b, 0) / h.length });
      const formats: Record<string, number> = {};
      for (const s of sizes) formats[s.format] = (formats[s.format] ?? 0) + 1;
      expect(row.formats).toEqual(formats);
      const channels: Record<string, number> = {};
      for (const s of sizes) channels[String(s.channels)] = (channels[String(s.channels)] ?? 0) + 1;
      expect(row.channels).toEqual(channels);
      expect(row.width.max).toBeLessThanOrEqual(640); // stored files are downscaled
    }
    console.log(formatStatsTable(stats));
  });
});
