import { stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { CxrError, assertArgument } from '@cxr/core';
import { SELECT_POSITIONS, fromSources, isSelectable, type MapFn } from '../dataset.js';
import { mapLimit } from '../map-limit.js';
import { checkImageSize, checkResizeMode, type ImageSize, type ResizeMode } from '../resize-plan.js';
import type { Batch, BatchOptions, Dataset, LoadReport, Sample, SampleDataset, SkippedFile } from '../types.js';
import type * as tf from '@tensorflow/tfjs-core';
import { findColumn, readCsvTable, type MalformedRow } from './csv-table.js';
import { decodeImage, type DecodeImageOptions } from './decode.js';

/** Roles a metadata column can play. */
export type MetadataRole = 'file' | 'label' | 'patient' | 'view' | 'modality';

/** Column names per role; defaults fit the ieee8023 covid-chestxray metadata.csv. `patient: null`: no patient column. */
export interface MetadataColumns {
  file?: string;
  label?: string;
  patient?: string | null;
  view?: string;
  modality?: string;
}

export const DEFAULT_METADATA_COLUMNS = { file: 'filename', label: 'finding', patient: 'patientid', view: 'view', modality: 'modality' } as const;

/** A value test: one value, several values (trimmed, case-insensitive), or a predicate on the trimmed value. */
export type ValueMatcher = string | readonly string[] | ((value: string) => boolean);

export interface MetadataDatasetOptions {
  /** Path of the CSV file. */
  csv: string;
  /** Folder the file column's names are relative to (default: `images/` beside the CSV). */
  imagesDir?: string;
  columns?: MetadataColumns;
  /**
   * Keep rows whose values match, all keys together: keys are roles (`view`, `modality`, …, mapped
   * through `columns`) or column names; e.g. `{ modality: 'X-ray', view: ['PA'] }`.
   */
  filter?: Readonly<Record<string, ValueMatcher>>;
  /**
   * Labels: a list of label values (rows with other values are dropped; class name = the value as
   * written here), or a map class name → matcher, e.g. `{ 'COVID-19': 'COVID-19', other: (v) => v !== 'COVID-19' }`.
   * Default: every distinct label value of the kept rows. Class indices follow the sorted class names.
   */
  classes?: readonly string[] | Readonly<Record<string, ValueMatcher>>;
  /** A row whose image file is absent: 'skip' (default; listed in `metadataReport().missing` and `report().skipped`) or 'throw' (E_NOT_FOUND). */
  onMissing?: 'skip' | 'throw';
  imageSize?: ImageSize;
  resize?: ResizeMode;
  /** 1 = grayscale, 3 = RGB (default 3). */
  channels?: 1 | 3;
  /** Decode failures during a pass: throw (default) or skip and report. */
  onError?: 'throw' | 'skip';
  maxPixels?: number;
  prefetch?: number;
}

/** A kept CSV row. */
export interface MetadataRow {
  /** 1-based data row / physical line in the CSV. */
  row: number;
  line: number;
  /** Image path (imagesDir + file column). */
  file: string;
  label: number;
  className: string;
  /** The label column's value as written (trimmed). */
  labelValue: string;
  /** Patient id (trimmed), or null when the cell is empty / there is no patient column. */
  patient: string | null;
  /** All trimmed values, keyed by the trimmed header names. */
  values: Record<string, string>;
}

export interface MetadataReport {
  csv: string;
  imagesDir: string;
  /** Header columns as found (trimmed), and the column used per role. */
  header: string[];
  columns: Partial<Record<MetadataRole, string>>;
  rowsRead: number;
  /** Rows left after each step, e.g. `{ read: 158, 'modality=X-ray': 135, 'view=PA': 99, classes: 99, images: 98 }`. */
  steps: { step: string; rows: number }[];
  /** Rows that do not fit the header (kept when the needed columns were readable). */
  malformed: MalformedRow[];
  /** Rows whose image file is absent (count = length). */
  missing: { row: number; file: string }[];
  /** Rows dropped because their file was already named by an earlier kept row. */
  duplicates: { row: number; file: string; firstRow: number; reason: string }[];
  /** Rows dropped because the label column is empty, a pandas missing value (`NaN`, `N/A`, … when classes are inferred), or fits several classes. */
  unlabeled: { row: number; value: string; reason: string }[];
  /** Kept rows without a patient id (each is its own group in groupSplit). */
  missingPatients: { row: number; file: string }[];
  counts: Record<string, number>;
  patients: number;
}

/** The dataset `metadataDataset` returns: a SampleDataset that also knows each sample's CSV row and patient. */
export interface MetadataDataset extends SampleDataset {
  shuffle(seed: number): MetadataDataset;
  take(n: number): MetadataDataset;
  map(fn: (image: tf.Tensor3D, sample: Sample) => tf.Tensor3D): MetadataDataset;
  cache(): MetadataDataset;
  /** Kept metadata rows, aligned with `files()` (the next pass's order). */
  rows(): MetadataRow[];
  /** Patient ids aligned with `files()`; null where the CSV has none. */
  patients(): (string | null)[];
  /** The row of an image path (any view or split part of this dataset), or undefined. */
  rowOf(file: string): MetadataRow | undefined;
  /** What was read, filtered, dropped and why. */
  metadataReport(): MetadataReport;
}

/**
 * A dataset from a metadata CSV (ieee8023 covid-chestxray layout by default): rows filtered by
 * column values, labels mapped to classes, images read from `imagesDir`. See the README.
 *
 * Throws CxrError: E_NOT_FOUND (CSV, images folder, or with onMissing 'throw' an image), E_MISSING_COLUMN,
 * E_NO_ROWS (names the filter or step that left no row), E_SINGLE_CLASS, E_BAD_ARGUMENT.
 */
export async function metadataDataset(options: MetadataDatasetOptions): Promise<MetadataDataset> {
  assertArgument(typeof options?.csv === 'string' && options.csv !== '', 'metadataDataset: csv must be the path of a CSV file');
  const onMissing = options.onMissing ?? 'skip';
  assertArgument(onMissing === 'skip' || onMissing === 'throw', `onMissing must be 'skip' or 'throw', got ${String(onMissing)}`);
  const channels = options.channels ?? 3;
  assertArgument(channels === 1 || channels === 3, `channels must be 1 (grayscale) or 3 (RGB), got ${String(channels)}`);
  if (options.imageSize !== undefined) checkImageSize(options.imageSize);
  const resizeMode = options.resize ?? 'cover';
  checkResizeMode(resizeMode);
  const csvPath = resolve(options.csv);
  const imagesDir = resolve(options.imagesDir ?? join(csvPath, '..', 'images'));

  const table = await readCsvTable(csvPath);
  const wanted = { ...DEFAULT_METADATA_COLUMNS, ...(options.columns ?? {}) };
  const filter = options.filter ?? {};
  const roleColumns: Partial<Record<MetadataRole, string>> = {};
  const missingColumns: string[] = [];
  const need = (role: MetadataRole | null, name: string): string => {
    const found = findColumn(table.header, name);
    if (found === undefined) missingColumns.push(role ? `${role} → '${name}'` : `'${name}'`);
    else if (role) roleColumns[role] = found;
    return found ?? name;
  };
  need('file', wanted.file);
  need('label', wanted.label);
  if (wanted.patient !== null) need('patient', wanted.patient);
  const filterColumns: [string, string, ValueMatcher][] = Object.entries(filter).map(([key, matcher]) => {
    const role = (['file', 'label', 'patient', 'view', 'modality'] as const).find((r) => r === key);
    const columnName = role ? (wanted[role] ?? key) : key;
    return [key, need(role ?? null, columnName), matcher];
  });
  if (missingColumns.length > 0) {
    throw new CxrError(
      'E_MISSING_COLUMN',
      `${csvPath} has no column ${missingColumns.join(', ')} (matched trimmed, case-insensitively). Columns in the file: ${table.header
        .map((h) => `'${h}'`)
        .join(', ')}. Map roles to your columns with the columns option, e.g. columns: { file: 'image', label: 'diagnosis' }.`,
      { path: csvPath },
    );
  }
  const fileCol = roleColumns.file as string;
  const labelCol = roleColumns.label as string;
  const patientCol = roleColumns.patient;

  const steps: { step: string; rows: number }[] = [{ step: 'read', rows: table.rows.length }];
  if (table.rows.length === 0) throw new CxrError('E_NO_ROWS', `${csvPath} has a header but no data rows.`, { path: csvPath });
  let rows = table.rows;
  for (const [key, column, matcher] of filterColumns) {
    const test = matcherFn(matcher, `filter.${key}`);
    const before = rows;
    rows = rows.filter((r) => test(r.values[column] ?? ''));
    const step = `${key}=${describeMatcher(matcher)}`;
    steps.push({ step, rows: rows.length });
    if (rows.length === 0) {
      throw new CxrError(
        'E_NO_ROWS',
        `No row of ${csvPath} is left after filter ${step} (column '${column}'; ${before.length} row(s) before it). Values there: ${valueSummary(before, column)}. Matching trims and ignores case.`,
        { path: csvPath },
      );
    }
  }

  // Labels → classes.
  const unlabeled: MetadataReport['unlabeled'] = [];
  const classify = classMapper(options.classes);
  const labeled: { r: (typeof rows)[number]; className: string; labelValue: string }[] = [];
  const missingLabel = new Set<number>();
  for (const r of rows) {
    const value = r.values[labelCol] ?? '';
    if (value === '') {
      unlabeled.push({ row: r.row, value, reason: `empty '${labelCol}' cell` });
      missingLabel.add(r.row);
      continue;
    }
    if (options.classes === undefined && PANDAS_MISSING.has(value)) {
      // A CSV written by pandas says NaN for a missing label; inferring classes would make it one.
      unlabeled.push({ row: r.row, value, reason: `missing value '${value}' in '${labelCol}' (pandas' NaN); name it in classes if it is a real label` });
      missingLabel.add(r.row);
      continue;
    }
    const fits = classify.match(value);
    if (fits.length === 1) labeled.push({ r, className: fits[0] as string, labelValue: value });
    else if (fits.length > 1) unlabeled.push({ row: r.row, value, reason: `'${value}' fits classes ${fits.join(', ')}` });
  }
  steps.push({ step: 'classes', rows: labeled.length });
  if (labeled.length === 0) {
    throw new CxrError(
      'E_NO_ROWS',
      `No row of ${csvPath} has a label that fits the classes option (after the filters ${rows.length} row(s) were left). '${labelCol}' values there: ${valueSummary(rows, labelCol)}.`,
      { path: csvPath },
    );
  }
  let classes = classify.names ?? [...new Set(labeled.map((l) => l.className))].sort();
  const singleClass = (): CxrError =>
    new CxrError('E_SINGLE_CLASS', `Only one class ('${classes[0]}') in ${csvPath} after filtering; a classifier needs at least two. Check filter and classes.`, {
      path: csvPath,
    });
  if (classes.length < 2) throw singleClass();

  // Duplicate file names: the first row is kept; a later row with another class drops both.
  const duplicates: MetadataReport['duplicates'] = [];
  const firstByFile = new Map<string, { row: number; className: string; index: number }>();
  const dropped = new Set<number>();
  labeled.forEach((l, index) => {
    const key = l.r.values[fileCol] ?? '';
    const first = firstByFile.get(key);
    if (first === undefined) {
      firstByFile.set(key, { row: l.r.row, className: l.className, index });
      return;
    }
    dropped.add(index);
    if (first.className === l.className) {
      duplicates.push({ row: l.r.row, file: key, firstRow: first.row, reason: `same file as row ${first.row}, same class '${l.className}': kept once` });
    } else {
      dropped.add(first.index);
      duplicates.push({ row: l.r.row, file: key, firstRow: first.row, reason: `same file as row ${first.row} but class '${l.className}' vs '${first.className}': both dropped` });
    }
  });

  const skipped: SkippedFile[] = [];
  const emptyFile: { row: number; file: string }[] = [];
  const candidates = labeled.filter((l, i) => {
    if (dropped.has(i)) return false;
    if ((l.r.values[fileCol] ?? '') === '') {
      emptyFile.push({ row: l.r.row, file: '' });
      return false;
    }
    return true;
  });
  for (const e of emptyFile) skipped.push({ file: `${csvPath}:row ${e.row}`, code: 'E_MALFORMED_ROW', reason: `empty '${fileCol}' cell` });

  // Image files present?
  await checkFolder(imagesDir);
  const present = await mapLimit(candidates, 16, async (l) => {
    const file = pathIn(imagesDir, l.r.values[fileCol] as string);
    try {
      return (await stat(file)).isFile();
    } catch {
      return false;
    }
  });
  const missing: MetadataReport['missing'] = [];
  const rowsKept: MetadataRow[] = [];
  candidates.forEach((l, k) => {
    const file = pathIn(imagesDir, l.r.values[fileCol] as string);
    if (!present[k]) {
      missing.push({ row: l.r.row, file });
      return;
    }
    const patient = patientCol ? l.r.values[patientCol] || null : null;
    rowsKept.push({ row: l.r.row, line: l.r.line, file, label: -1, className: l.className, labelValue: l.labelValue, patient, values: l.r.values });
  });
  steps.push({ step: 'images', rows: rowsKept.length });
  if (missing.length > 0 && onMissing === 'throw') {
    const first = missing[0] as { row: number; file: string };
    throw new CxrError('E_NOT_FOUND', `${missing.length} image(s) named in ${csvPath} are not in ${imagesDir}, e.g. row ${first.row}: ${first.file}. Pass onMissing: 'skip' to leave them out and list them.`, {
      path: first.file,
    });
  }
  for (const m of missing) skipped.push({ file: m.file, code: 'E_NOT_FOUND', reason: `row ${m.row} of ${basename(csvPath)}: image file not found` });
  for (const d of duplicates) skipped.push({ file: pathIn(imagesDir, d.file), code: 'E_DUPLICATE_FILE', reason: `row ${d.row}: ${d.reason}` });
  for (const u of unlabeled) skipped.push({ file: `${csvPath}:row ${u.row}`, code: missingLabel.has(u.row) ? 'E_MALFORMED_ROW' : 'E_AMBIGUOUS_LABEL', reason: u.reason });
  if (rowsKept.length === 0) {
    throw new CxrError('E_NO_ROWS', `None of the ${candidates.length} image file(s) the filtered rows of ${csvPath} name is in ${imagesDir} (e.g. ${missing[0]?.file}). Check imagesDir.`, {
      path: imagesDir,
    });
  }
  if (classify.names === null) {
    // Inferred classes come from rows whose image exists (as in Keras' flow_from_dataframe), so a label
    // that only rows with absent files carry — e.g. one shifted in by an unquoted comma — is no class.
    classes = [...new Set(rowsKept.map((r) => r.className))].sort();
    if (classes.length < 2) throw singleClass();
  }
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  for (const r of rowsKept) r.label = classIndex.get(r.className) as number;
  const missingPatients = patientCol ? rowsKept.filter((r) => r.patient === null).map((r) => ({ row: r.row, file: r.file })) : [];
  const counts: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]));
  for (const r of rowsKept) counts[r.className]! += 1;

  const report: MetadataReport = {
    csv: csvPath,
    imagesDir,
    header: table.header,
    columns: roleColumns,
    rowsRead: table.rows.length,
    steps,
    malformed: table.malformed,
    missing,
    duplicates,
    unlabeled,
    missingPatients,
    counts,
    patients: new Set(rowsKept.flatMap((r) => (r.patient === null ? [] : [r.patient]))).size,
  };

  const decodeOptions: DecodeImageOptions = { channels, imageSize: options.imageSize, resize: resizeMode, maxPixels: options.maxPixels };
  const inner = fromSources<string>({
    classes,
    items: rowsKept.map((r) => ({ source: r.file, label: r.label, file: r.file })),
    decode: (path) => decodeImage(path, decodeOptions),
    onError: options.onError ?? 'throw',
    skipped,
    prefetch: options.prefetch ?? 8,
  });
  const byFile = new Map(rowsKept.map((r) => [r.file, r]));
  return new MetadataView(inner, byFile, report);
}

class MetadataView implements MetadataDataset {
  constructor(
    private readonly inner: SampleDataset,
    private readonly byFile: ReadonlyMap<string, MetadataRow>,
    private readonly meta: MetadataReport,
  ) {}

  get classes(): readonly string[] {
    return this.inner.classes;
  }
  get size(): number {
    return this.inner.size;
  }
  shuffle(seed: number): MetadataDataset {
    return this.wrap(this.inner.shuffle(seed));
  }
  take(n: number): MetadataDataset {
    return this.wrap(this.inner.take(n));
  }
  map(fn: MapFn): MetadataDataset {
    return this.wrap(this.inner.map(fn));
  }
  cache(): MetadataDataset {
    return this.wrap(this.inner.cache());
  }
  batch(n: number, options: BatchOptions & { oneHot: true }): Dataset<Batch<tf.Tensor2D>>;
  batch(n: number, options?: BatchOptions & { oneHot?: false }): Dataset<Batch>;
  batch(n: number, options?: BatchOptions): Dataset<Batch<tf.Tensor1D | tf.Tensor2D>>;
  batch(n: number, options?: BatchOptions): Dataset<Batch<tf.Tensor1D | tf.Tensor2D>> {
    return this.inner.batch(n, options);
  }
  labels(): number[] {
    return this.inner.labels();
  }
  files(): string[] {
    return this.inner.files();
  }
  report(): LoadReport {
    return this.inner.report();
  }
  rows(): MetadataRow[] {
    return this.files().map((f) => this.byFile.get(f) as MetadataRow);
  }
  patients(): (string | null)[] {
    return this.rows().map((r) => r.patient);
  }
  rowOf(file: string): MetadataRow | undefined {
    return this.byFile.get(file);
  }
  metadataReport(): MetadataReport {
    return this.meta;
  }
  [Symbol.asyncIterator](): AsyncIterator<Sample> {
    return this.inner[Symbol.asyncIterator]();
  }
  [SELECT_POSITIONS](positions: readonly number[]): SampleDataset {
    if (!isSelectable(this.inner)) throw new CxrError('E_BAD_ARGUMENT', 'metadataDataset: inner dataset cannot be split');
    return this.wrap(this.inner[SELECT_POSITIONS](positions));
  }
  private wrap(inner: SampleDataset): MetadataView {
    return new MetadataView(inner, this.byFile, this.meta);
  }
}

function pathIn(dir: string, name: string): string {
  return isAbsolute(name) ? name : join(dir, name);
}

async function checkFolder(dir: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (error) {
    throw new CxrError('E_NOT_FOUND', `No images folder ${dir}. Pass imagesDir (default: images/ beside the CSV).`, { path: dir, cause: error });
  }
  if (!isDir) throw new CxrError('E_NOT_A_DIRECTORY', `imagesDir ${dir} is not a folder.`, { path: dir });
}

const norm = (v: string): string => v.trim().toLowerCase();

/** What pandas' read_csv reads as NaN by default (its `na_values`), besides the empty string. */
const PANDAS_MISSING = new Set(['#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);

function matcherFn(matcher: ValueMatcher, what: string): (value: string) => boolean {
  if (typeof matcher === 'function') return (v) => Boolean(matcher(v.trim()));
  const list = typeof matcher === 'string' ? [matcher] : matcher;
  assertArgument(Array.isArray(list) && list.every((v) => typeof v === 'string'), `${what} must be a string, a list of strings or a predicate`);
  const set = new Set(list.map(norm));
  return (v) => set.has(norm(v));
}

function describeMatcher(matcher: ValueMatcher): string {
  if (typeof matcher === 'function') return '(predicate)';
  return typeof matcher === 'string' ? `'${matcher}'` : `[${matcher.map((m) => `'${m}'`).join(', ')}]`;
}

/** Class names (sorted; null = from the data) and label value → class names it fits. */
function classMapper(spec: MetadataDatasetOptions['classes']): { names: string[] | null; match: (value: string) => string[] } {
  if (spec === undefined) {
    // Values are grouped case-insensitively; the first spelling seen names the class.
    const seen = new Map<string, string>();
    return {
      names: null,
      match: (v) => {
        const key = norm(v);
        if (!seen.has(key)) seen.set(key, v);
        return [seen.get(key) as string];
      },
    };
  }
  if (Array.isArray(spec)) {
    const list = spec as readonly string[];
    assertArgument(list.length >= 2 && list.every((v) => typeof v === 'string' && v.trim() !== ''), 'classes must list at least two label values');
    const names = list.map((v) => v.trim());
    assertArgument(new Set(names.map(norm)).size === names.length, `classes must not repeat a value, got [${names.join(', ')}]`);
    const byKey = new Map(names.map((n) => [norm(n), n]));
    return { names: [...names].sort(), match: (v) => (byKey.has(norm(v)) ? [byKey.get(norm(v)) as string] : []) };
  }
  const entries = Object.entries(spec as Record<string, ValueMatcher>);
  assertArgument(entries.length >= 2, 'classes must map at least two class names to label values');
  const tests = entries.map(([name, m]) => [name, matcherFn(m, `classes['${name}']`)] as const);
  return { names: entries.map(([n]) => n).sort(), match: (v) => tests.flatMap(([name, t]) => (t(v) ? [name] : [])) };
}

function valueSummary(rows: readonly { values: Record<string, string> }[], column: string): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.values[column] ?? '', (counts.get(r.values[column] ?? '') ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 10);
  return top.map(([v, n]) => `'${v}' ${n}`).join(', ') + (counts.size > 10 ? `, … (${counts.size} distinct)` : '');
}
