import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CxrError } from '@cxr/core';
import { groupSplit, trainTestSplit, type SampleDataset } from '@cxr/data';
import { leakageReport, metadataDataset, writePhantomFolder, type LeakageReport, type MetadataDataset } from '@cxr/data/node';
import type { Seed001Options } from './options.js';

/** The article's two folders: COVID-19 vs every other finding. */
export const CLASS_MAP = {
  covid_negative: (finding: string) => finding.trim().toLowerCase() !== 'covid-19',
  covid_positive: ['COVID-19'],
};

export interface Seed001Data {
  all: MetadataDataset;
  train: SampleDataset;
  valid: SampleDataset;
  source: string;
  /** Leakage of the patient-level split we use, and of the image-level split a naive run would make. */
  leakage: { patientSplit: LeakageReport; imageSplit: LeakageReport };
  summary: string[];
}

/**
 * The phantom default laid out like the ieee8023 covid-chestxray-dataset: images/ plus a
 * metadata.csv with the same quirky header (`Patientid`, `" url"`, a trailing comma), two images
 * per patient (follow-ups), and AP and CT rows that the X-ray/PA filter must drop.
 */
export async function writePhantomMetadata(dir: string, options: Pick<Seed001Options, 'phantomPerClass' | 'imageSize' | 'seed'>): Promise<string> {
  const folder = await writePhantomFolder(join(dir, 'phantom-folders'), {
    classes: ['COVID19', 'NORMAL'],
    train: options.phantomPerClass,
    test: 0,
    imageSize: options.imageSize,
    channels: 1,
    seed: options.seed,
  });
  const images = join(dir, 'images');
  await mkdir(images, { recursive: true });
  const lines = ['Patientid,offset,sex,age,finding,survival,view,modality,date,location,filename,doi, url,license,clinical notes,other notes,'];
  let patient = 0;
  const { copyFile } = await import('node:fs/promises');
  for (const cls of folder.classes) {
    const files = (await readdir(join(folder.train, cls))).sort();
    for (const [i, file] of files.entries()) {
      if (i % 2 === 0) patient++;
      const name = `${cls.toLowerCase()}-${file}`;
      await copyFile(join(folder.train, cls, file), join(images, name));
      const finding = cls === 'COVID19' ? 'COVID-19' : 'No Finding';
      // Every 7th image is an AP view and every 11th a CT: the filter must drop them.
      const view = i % 7 === 3 ? 'AP' : 'PA';
      const modality = i % 11 === 5 ? 'CT' : 'X-ray';
      lines.push(`${patient},${i % 2 ? 3 : 0},M,50,${finding},,${view},${modality},2020,phantom,${name},, ,CC0,,,`);
    }
  }
  const csv = join(dir, 'metadata.csv');
  await writeFile(csv, lines.join('\n') + '\n');
  return dir;
}

/**
 * metadata.csv → X-ray PA rows → COVID-19 vs other → split by patient (fastai's valid_pct, but
 * whole patients), plus the leakage an image-level split would have had.
 */
export async function loadSeed001Data(options: Seed001Options): Promise<Seed001Data> {
  let root = options.data;
  if (!root) root = await writePhantomMetadata(join(options.out, 'phantom-dataset'), options);
  const csv = join(root, 'metadata.csv');
  if (!existsSync(csv)) throw new CxrError('E_NOT_FOUND', `--data ${root} has no metadata.csv (covid-chestxray-dataset layout: metadata.csv + images/).`, { path: csv });
  const all = await metadataDataset({
    csv,
    imagesDir: join(root, 'images'),
    filter: { modality: 'X-ray', view: ['PA'] },
    classes: CLASS_MAP,
    imageSize: options.imageSize,
    channels: 3,
  });
  const split = groupSplit(all, { testSize: options.validPct, seed: options.seed, stratify: true });
  const naive = trainTestSplit(all, { testSize: options.validPct, seed: options.seed });
  const leakage = {
    patientSplit: await leakageReport(split.train, split.test),
    imageSplit: await leakageReport(naive.train, naive.test),
  };
  const report = all.metadataReport();
  const summary = [
    `${report.rowsRead} metadata rows → ${all.size} X-ray PA images with a file (${all.classes.map((c) => `${c} ${report.counts[c] ?? 0}`).join(', ')}) from ${new Set(all.patients()).size} patients`,
    `${report.missing.length} row(s) without an image file, ${report.malformed.length} malformed row(s)`,
    `patient-level split: ${split.train.size} train / ${split.test.size} valid images, ${leakage.patientSplit.sharedGroups.length} patients in both`,
    `an image-level split would have put ${leakage.imageSplit.sharedGroups.length} patients and ${leakage.imageSplit.nearDuplicates.length} near-duplicate pair(s) in both parts`,
    ...split.warnings,
  ];
  return { all, train: split.train, valid: split.test, source: root, leakage, summary };
}
