import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isCxrError } from '@cxr/core';
import { groupSplit } from '@cxr/data';
import { exportToFolders, imageFolder, leakageReport, metadataDataset, readCsvTable } from '@cxr/data/node';
import { tempDir, writeImage } from './fixtures.js';

const EARLY = process.env['COVID_EARLY_DIR'] ?? '/work/shared/data/covid-chestxray-early';
const haveEarly = existsSync(join(EARLY, 'metadata.csv'));
if (!haveEarly) console.warn(`covid-chestxray-early tests skipped: ${EARLY} not found (set COVID_EARLY_DIR)`);

const covidVsOther = { 'COVID-19': ['COVID-19'], other: (v: string) => v !== 'COVID-19' };

describe.skipIf(!haveEarly)('metadataDataset on covid-chestxray-early', () => {
  it('parses the quirky header and reports the shifted row', async () => {
    const table = await readCsvTable(join(EARLY, 'metadata.csv'));
    expect(table.rows).toHaveLength(158);
    expect(table.header).toContain('url');
    expect(table.header[16]).toBe('');
    expect(table.malformed).toEqual([{ row: 81, line: 82, reason: expect.stringContaining('unnamed column 17') }]);
  });

  it('X-ray + PA, COVID-19 vs other: 99 rows, 98 with images (75/23), 66 patients', async () => {
    const ds = await metadataDataset({ csv: join(EARLY, 'metadata.csv'), filter: { modality: 'X-ray', view: ['PA'] }, classes: covidVsOther, imageSize: 32 });
    const meta = ds.metadataReport();
    expect(meta.steps.map((s) => s.rows)).toEqual([158, 135, 99, 99, 98]);
    expect(meta.columns).toMatchObject({ file: 'filename', label: 'finding', patient: 'Patientid' });
    expect(ds.classes).toEqual(['COVID-19', 'other']);
    expect(meta.counts).toEqual({ 'COVID-19': 75, other: 23 });
    expect(ds.report().counts).toEqual({ 'COVID-19': 75, other: 23 });
    expect(meta.missing).toEqual([{ row: 54, file: join(EARLY, 'images', 'covid-19-pneumonia-14-PA.png') }]);
    expect(ds.report().skipped).toContainEqual(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    expect(meta.patients).toBe(66);
    expect(meta.duplicates).toEqual([]);
    expect(meta.missingPatients).toEqual([]);
    expect(ds.size).toBe(98);
    const rows = ds.rows();
    expect(rows.map((r) => r.file)).toEqual(ds.files());
    expect(new Set(ds.patients()).size).toBe(66);
    const shuffled = ds.shuffle(3);
    expect(shuffled.patients()).toEqual(shuffled.files().map((f) => ds.rowOf(f)?.patient));
    // the shifted row 81 is kept: its finding and filename are before the shift
    expect(rows.find((r) => r.row === 81)?.values['filename']).toBe('9C34AF49-E589-44D5-92D3-168B3B04E4A6.jpeg');
    const first = await shuffled.take(1)[Symbol.asyncIterator]().next();
    expect(first.value.image.shape).toEqual([32, 32, 3]);
    first.value.image.dispose();
  });

  it('groupSplit keeps patients apart; leakageReport finds the two near-identical pairs of patient 51', async () => {
    const ds = await metadataDataset({ csv: join(EARLY, 'metadata.csv'), filter: { modality: 'X-ray', view: 'PA' }, classes: covidVsOther });
    const { train, test, testGroups, trainGroups } = groupSplit(ds, { testSize: 0.2, seed: 1 });
    expect(train.size + test.size).toBe(98);
    expect(testGroups.filter((g) => trainGroups.includes(g))).toEqual([]);
    const trainPatients = new Set((train as typeof ds).patients());
    expect((test as typeof ds).patients().filter((p) => trainPatients.has(p))).toEqual([]);
    const testCounts = test.report().counts;
    expect(testCounts['COVID-19']).toBeGreaterThan(0);
    expect(testCounts['other']).toBeGreaterThan(0);
    expect(Math.abs(test.size - 0.2 * 98)).toBeLessThanOrEqual(3);
    const clean = await leakageReport(train, test);
    expect(clean.sharedGroups).toEqual([]);
    // A split that puts patient 51's near-identical pairs on both sides is caught (all X-ray views).
    const xray = await metadataDataset({ csv: join(EARLY, 'metadata.csv'), filter: { modality: 'X-ray' }, classes: covidVsOther, onMissing: 'skip' });
    const a = xray.files().filter((f) => /F4341CE7|D5ACAA93/.test(f));
    const b = xray.files().filter((f) => /E63574A7|35AF5C3B/.test(f));
    expect([a.length, b.length]).toEqual([2, 2]);
    const leaky = await leakageReport(subset(xray, a), subset(xray, b));
    expect(leaky.sharedGroups.map((g) => g.group)).toEqual(['51']);
    expect(leaky.nearDuplicates.map((d) => [short(d.a), short(d.b)]).sort()).toEqual([
      ['D5ACAA93', '35AF5C3B'],
      ['F4341CE7', 'E63574A7'],
    ]);
    expect(leaky.hashBits).toBe(256);
  });
});

const short = (f: string): string => (f.split(/[\\/]/).pop() as string).slice(0, 8);

/** A part of `ds` holding just these files (via groupSplit on a one-off grouping). */
function subset<T extends { files(): string[] }>(ds: T & Parameters<typeof groupSplit>[0], keep: readonly string[]) {
  const files = ds.files();
  const { test } = groupSplit(ds, { groups: files.map((f) => (keep.includes(f) ? 'keep' : 'rest')), testSize: keep.length / files.length, stratify: false });
  expect(test.files().sort()).toEqual([...keep].sort());
  return test;
}

describe('metadataDataset on synthetic CSVs', () => {
  let cleanup: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await cleanup?.();
    cleanup = null;
  });

  async function setup(csv: string, images: string[]): Promise<string> {
    const t = await tempDir();
    cleanup = t.cleanup;
    for (const name of images) await writeImage(join(t.dir, 'images', name), { width: 8, height: 8 });
    await writeFile(join(t.dir, 'meta.csv'), csv);
    return join(t.dir, 'meta.csv');
  }
  const HEADER = 'PatientID, Filename ,Finding,View,Modality\n';
  async function code(p: Promise<unknown>): Promise<[string, string]> {
    try {
      await p;
    } catch (error) {
      if (isCxrError(error)) return [error.code, error.message];
      throw error;
    }
    throw new Error('expected an error');
  }

  it('E_NO_ROWS names the filter that left nothing, and the values present', async () => {
    const csv = await setup(HEADER + '1,a.png,COVID-19,PA,X-ray\n2,b.png,SARS,PA,X-ray\n', ['a.png', 'b.png']);
    const [c, m] = await code(metadataDataset({ csv, filter: { modality: 'X-ray', view: 'AP' } }));
    expect(c).toBe('E_NO_ROWS');
    expect(m).toContain("view='AP'");
    expect(m).toContain("'PA' 2");
    const [c2, m2] = await code(metadataDataset({ csv, classes: ['ARDS', 'Pneumocystis'] }));
    expect(c2).toBe('E_NO_ROWS');
    expect(m2).toContain("'COVID-19' 1");
  });

  it('E_MISSING_COLUMN lists the missing and the existing columns', async () => {
    const csv = await setup('id,image,diagnosis\n1,a.png,x\n', ['a.png']);
    const [c, m] = await code(metadataDataset({ csv, filter: { view: 'PA' } }));
    expect(c).toBe('E_MISSING_COLUMN');
    expect(m).toMatch(/file → 'filename'.*label → 'finding'.*patient → 'patientid'.*view → 'view'/);
    expect(m).toContain("'id', 'image', 'diagnosis'");
    const ds = await metadataDataset({ csv: await setup('id,image,diagnosis\n1,a.png,x\n2,b.png,y\n', ['a.png', 'b.png']), columns: { file: 'image', label: 'DIAGNOSIS', patient: 'ID' } });
    expect(ds.classes).toEqual(['x', 'y']);
  });

  it('reports malformed lines, duplicates (kept once / both dropped), empty labels and missing patient ids', async () => {
    const csv = await setup(
      HEADER +
        '1,a.png,COVID-19,PA,X-ray\n' +
        '1,a.png,covid-19,PA,X-ray\n' + // same file, same class → kept once
        '2,b.png,SARS,PA,X-ray,extra\n' + // too many fields → reported, kept
        '3,c.png,SARS\n' + // too few fields → reported; filter on view drops it
        '4,d.png,COVID-19,PA,X-ray\n' +
        '5,d.png,SARS,PA,X-ray\n' + // same file, other class → both dropped
        ',e.png,SARS,PA,X-ray\n' + // no patient id
        '6,f.png,,PA,X-ray\n' + // empty label
        '7,"g,1.png",ARDS,PA,X-ray\n', // quoted comma
      ['a.png', 'b.png', 'c.png', 'd.png', 'e.png', 'f.png', 'g,1.png'],
    );
    const ds = await metadataDataset({ csv, filter: { view: 'pa ' }, classes: { 'COVID-19': 'COVID-19', other: (v) => v.toLowerCase() !== 'covid-19' } });
    const meta = ds.metadataReport();
    expect(meta.malformed.map((r) => r.row)).toEqual([3, 4]);
    expect(meta.duplicates.map((d) => [d.row, d.firstRow])).toEqual([
      [2, 1],
      [6, 5],
    ]);
    expect(meta.unlabeled).toEqual([{ row: 8, value: '', reason: "empty 'Finding' cell" }]);
    expect(meta.missingPatients).toEqual([{ row: 7, file: expect.stringMatching(/e\.png$/) }]);
    expect(ds.files().map((f) => f.split(/[\\/]/).pop())).toEqual(['a.png', 'b.png', 'e.png', 'g,1.png']);
    expect(ds.labels()).toEqual([0, 1, 1, 1]);
    expect(ds.patients()).toEqual(['1', '2', null, '7']);
    const codes = ds.report().skipped.map((s) => s.code).sort();
    expect(codes).toEqual(['E_DUPLICATE_FILE', 'E_DUPLICATE_FILE', 'E_MALFORMED_ROW']);
    const split = groupSplit(ds, { testSize: 0.25, stratify: false });
    expect(split.warnings[0]).toContain('1 sample(s) have no group id');
    expect(split.train.size + split.test.size).toBe(4);
  });

  it('missing images: skipped and listed, or E_NOT_FOUND with onMissing throw; list classes; E_SINGLE_CLASS', async () => {
    const csv = await setup(HEADER + '1,a.png,COVID-19,PA,X-ray\n2,b.png,SARS,PA,X-ray\n3,gone.png,SARS,PA,X-ray\n4,c.png,ARDS,PA,X-ray\n', ['a.png', 'b.png', 'c.png']);
    const ds = await metadataDataset({ csv, classes: ['sars', 'COVID-19'] });
    expect(ds.classes).toEqual(['COVID-19', 'sars']);
    expect(ds.metadataReport().missing.map((m) => m.row)).toEqual([3]);
    expect(ds.size).toBe(2);
    expect((await code(metadataDataset({ csv, onMissing: 'throw' })))[0]).toBe('E_NOT_FOUND');
    // SARS fits two classes of the map: reported as ambiguous and dropped, never given one of them silently.
    const amb = await metadataDataset({ csv, classes: { covid: ['COVID-19'], sars: 'SARS', other: (v) => v !== 'COVID-19' } });
    expect(amb.report().counts).toEqual({ covid: 1, other: 1, sars: 0 });
    expect(amb.metadataReport().unlabeled.map((u) => [u.row, u.reason])).toEqual([
      [2, "'SARS' fits classes sars, other"],
      [3, "'SARS' fits classes sars, other"],
    ]);
    expect(amb.report().skipped.filter((s) => s.code === 'E_AMBIGUOUS_LABEL')).toHaveLength(2);
    expect((await code(metadataDataset({ csv, filter: { finding: 'SARS' } })))[0]).toBe('E_SINGLE_CLASS');
  });

  it('exportToFolders writes class folders that imageFolder reads back', async () => {
    const csv = await setup(HEADER + '1,a.png,COVID-19,PA,X-ray\n2,b.png,SARS,PA,X-ray\n3,c.jpg,ARDS,PA,X-ray\n', ['a.png', 'b.png', 'c.jpg']);
    const ds = await metadataDataset({ csv, classes: { 'COVID-19': ['COVID-19'], other: (v) => v !== 'COVID-19' } });
    const out = join(ds.metadataReport().imagesDir, '..', 'export');
    const res = await exportToFolders(ds, out, { folderNames: { 'COVID-19': 'covid_positive', other: 'covid_negative' } });
    expect(res.counts).toEqual({ 'COVID-19': 1, other: 2 });
    expect((await readdir(join(out, 'covid_negative'))).sort()).toEqual(['b.png', 'c.jpg']);
    const back = await imageFolder(out);
    expect(back.report().counts).toEqual({ covid_negative: 2, covid_positive: 1 });
    const again = await code(exportToFolders(ds, out, { folderNames: { 'COVID-19': 'covid_positive', other: 'covid_negative' } }));
    expect(again[0]).toBe('E_IO');
    expect(again[1]).toContain('overwrite');
    expect((await code(exportToFolders(ds, out, { folderNames: { 'COVID-19': '../x' } })))[0]).toBe('E_BAD_ARGUMENT');
  });
});
