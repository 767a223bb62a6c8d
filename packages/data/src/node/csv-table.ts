import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { CxrError } from '@cxr/core';

/** One data row of a CSV file: values by trimmed header name, and where it came from. */
export interface CsvRow {
  /** 1-based data row (header not counted). */
  row: number;
  /** 1-based physical line where the row starts. */
  line: number;
  /** Trimmed values keyed by the header's trimmed names (as written in the file). */
  values: Record<string, string>;
}

/** A row that does not fit the header; it is kept when the named columns could still be read. */
export interface MalformedRow {
  row: number;
  line: number;
  reason: string;
}

export interface CsvTable {
  /** Header names, trimmed, in file order (an empty name for a trailing comma). */
  header: string[];
  rows: CsvRow[];
  malformed: MalformedRow[];
}

/**
 * Read a CSV file with csv-parse (quotes, embedded commas and newlines, BOM). Header names are
 * trimmed; rows with a field count other than the header's are kept as far as they go and listed in
 * `malformed`, as are rows with text under an unnamed header column (a shifted unquoted comma).
 * Throws E_NOT_FOUND / E_IO (cannot read), E_NO_ROWS (no header), E_MALFORMED_ROW (broken quoting; names the row).
 */
export async function readCsvTable(path: string): Promise<CsvTable> {
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new CxrError(code === 'ENOENT' ? 'E_NOT_FOUND' : 'E_IO', `Cannot read the CSV file ${path}: ${(error as Error).message}`, { path, cause: error });
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, info: true }) as typeof records;
  } catch (error) {
    // csv-parse counts the header as record 1, so the record it stopped in is data row `records`.
    const records = (error as { records?: unknown }).records;
    const where = typeof records === 'number' ? `data row ${records}` : 'a row';
    throw new CxrError('E_MALFORMED_ROW', `Cannot parse the CSV file ${path}: ${where} is malformed (${(error as Error).message}). Fix its quoting: a field with a comma, quote or line break must be in double quotes, with inner quotes doubled.`, {
      path,
      cause: error,
    });
  }
  if (records.length === 0) throw new CxrError('E_NO_ROWS', `The CSV file ${path} is empty (no header line).`, { path });
  const header = (records[0] as { record: string[] }).record.map((h) => h.trim());
  const rows: CsvRow[] = [];
  const malformed: MalformedRow[] = [];
  let previousEnd = (records[0] as { info: { lines: number } }).info.lines;
  records.slice(1).forEach(({ record, info }, k) => {
    const row = k + 1;
    const line = previousEnd + 1;
    previousEnd = info.lines;
    const values: Record<string, string> = {};
    header.forEach((name, i) => {
      if (name !== '' && !(name in values)) values[name] = (record[i] ?? '').trim();
    });
    const problems: string[] = [];
    if (record.length !== header.length) problems.push(`${record.length} fields, the header has ${header.length}`);
    const unnamed = header.flatMap((name, i) => (name === '' && (record[i] ?? '').trim() !== '' ? [i + 1] : []));
    if (unnamed.length > 0) problems.push(`text in unnamed column ${unnamed.join(', ')} (an unquoted comma may have shifted the fields after it)`);
    if (problems.length > 0) malformed.push({ row, line, reason: problems.join('; ') });
    rows.push({ row, line, values });
  });
  return { header, rows, malformed };
}

/** The header name matching `wanted` trimmed and case-insensitively, or undefined. */
export function findColumn(header: readonly string[], wanted: string): string | undefined {
  const key = wanted.trim().toLowerCase();
  return header.find((h) => h !== '' && h.toLowerCase() === key);
}
