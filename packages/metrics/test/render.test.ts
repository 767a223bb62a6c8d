import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { confusionMatrixSpec, lossCurveSpec, rocCurveSpec } from '@cxr/metrics/plot';
import { renderSpec, writePlot } from '@cxr/metrics/node';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxr-metrics-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const loss = lossCurveSpec({ loss: [0.72, 0.7, 0.66, 0.48, 0.31], val_loss: [0.75, 0.71, 0.7, 0.6, 0.52] }, { width: 400, height: 200 });
const heatmap = confusionMatrixSpec(
  [
    [58, 2],
    [3, 57],
  ],
  { labels: ['COVID19', 'NORMAL'], title: 'Test Data Confusion Matrix' },
);

describe('renderSpec', () => {
  it('returns SVG text holding titles, axis titles and labels', async () => {
    const svg = await renderSpec(heatmap, { format: 'svg' });
    expectTypeOf(svg).toEqualTypeOf<string>();
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['Test Data Confusion Matrix', 'Predicted Labels', 'True Labels', 'COVID19', 'NORMAL', '>58<', '>3<']) {
      expect(svg).toContain(text);
    }
  });

  it('renders ROC curves with AUC legend labels and the axis titles', async () => {
    const roc = rocCurveSpec(
      [
        { name: 'COVID19', fpr: [0, 0, 0.1, 1], tpr: [0, 0.8, 0.95, 1] },
        { name: 'Viral Pneumonia', fpr: [0, 0.3, 1], tpr: [0, 0.7, 1] },
      ],
      { title: 'ROC Curves' },
    );
    const svg = await renderSpec(roc, { format: 'svg' });
    for (const text of ['ROC Curves', 'False Positive Rate', 'True Positive Rate', 'COVID19 (AUC = 0.96)', 'Viral Pneumonia (AUC = 0.70)']) {
      expect(svg).toContain(text);
    }
    expect(svg).toContain('stroke-dasharray="4,4"');
  });

  it('returns a PNG whose size is the SVG size times scale', async () => {
    const svg = await renderSpec(loss, { format: 'svg' });
    const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    const png = await renderSpec(loss, { format: 'png', scale: 1.5 });
    expectTypeOf(png).toEqualTypeOf<Buffer>();
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(Math.round(w! * 1.5));
    expect(meta.height).toBe(Math.round(h! * 1.5));
    expect(w).toBeGreaterThan(400); // plot area plus axes and legend
  });

  it('rejects bad formats, scales and specs with coded errors', async () => {
    await expect(renderSpec(loss, { format: 'jpg' as 'png' })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    await expect(renderSpec(loss, { format: 'png', scale: 0 })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    await expect(renderSpec({ mark: 'nope' } as never, { format: 'svg' })).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
  });

  it('rasterizes text with real glyphs (fonts found), not missing-glyph boxes', async () => {
    // Titles of equal length lay out identically. In a real font 'W' carries far more ink than 'i';
    // missing-glyph boxes carry about the same for every letter.
    const ink = async (title: string): Promise<number> => {
      const png = await renderSpec(lossCurveSpec({ loss: [1, 0.5] }, { title }), { format: 'png', scale: 1 });
      const data = await sharp(png).greyscale().raw().toBuffer();
      let dark = 0;
      for (const v of data) if (v < 128) dark++;
      return dark;
    };
    const blank = await ink('        ');
    const narrow = (await ink('iiiiiiii')) - blank;
    const wide = (await ink('WWWWWWWW')) - blank;
    const hint = 'PNG text renders as boxes: install a sans-serif font for fontconfig (Debian: fonts-dejavu-core)';
    expect(narrow, hint).toBeGreaterThan(0);
    expect(wide, hint).toBeGreaterThan(2 * narrow);
  });
});

describe('writePlot', () => {
  it('writes PNG and SVG by extension, creating directories', async () => {
    const png = join(dir, 'nested', 'loss.png');
    const svg = join(dir, 'nested', 'confusion.SVG');
    await writePlot(loss, png);
    await writePlot(heatmap, svg);
    const bytes = await readFile(png);
    expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const meta = await sharp(bytes).metadata();
    expect(meta.width).toBeGreaterThan(800); // default PNG scale 2
    expect(meta.height).toBeGreaterThan(400);
    expect(await readFile(svg, 'utf8')).toContain('COVID19');
  });

  it('refuses an unknown extension and reports write failures with E_IO', async () => {
    await expect(writePlot(loss, join(dir, 'loss.jpg'))).rejects.toMatchObject({ code: 'E_BAD_ARGUMENT' });
    const file = join(dir, 'a-file.png');
    await writePlot(loss, file);
    await expect(writePlot(loss, join(file, 'below-a-file.png'))).rejects.toMatchObject({
      code: 'E_IO',
      name: 'CxrError',
      path: join(file, 'below-a-file.png'),
    });
  });
});
