import { CxrError, assertArgument } from '@cxr/core';

/**
 * NumPy `.npy` files in memory (format versions 1.0, 2.0 and 3.0; C order). Browser-safe: bytes in,
 * bytes out. `@cxr/data/node` adds `readNpy` / `writeNpy` on files.
 */

/** The JavaScript-side type of an array's values. */
export type NpyDtype = 'float32' | 'float64' | 'int32' | 'uint8' | 'int8' | 'int16' | 'uint16' | 'bool';

/** Values of an `.npy` array, row-major (C order). `bool` arrays come as 0/1 in a Uint8Array. */
export type NpyData = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array;

export interface NpyArray {
  data: NpyData;
  shape: number[];
  dtype: NpyDtype;
  /**
   * The file's own type string (`'<f4'`, `'|u1'`, `'<i8'`, …). It differs from `dtype` only where the
   * values were converted: int64 / uint32 files are read as int32 when every value fits.
   */
  descr: string;
}

/** What `encodeNpy` writes: float32, int32, uint8 (and float64, bool). */
export type NpyWritable = Float32Array | Float64Array | Int32Array | Uint8Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface TypeInfo {
  dtype: NpyDtype;
  bytes: number;
  make: (buffer: ArrayBuffer, length: number) => NpyData;
}

const TYPES: Record<string, TypeInfo> = {
  f4: { dtype: 'float32', bytes: 4, make: (b, n) => new Float32Array(b, 0, n) },
  f8: { dtype: 'float64', bytes: 8, make: (b, n) => new Float64Array(b, 0, n) },
  i4: { dtype: 'int32', bytes: 4, make: (b, n) => new Int32Array(b, 0, n) },
  u1: { dtype: 'uint8', bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  b1: { dtype: 'bool', bytes: 1, make: (b, n) => new Uint8Array(b, 0, n) },
  i1: { dtype: 'int8', bytes: 1, make: (b, n) => new Int8Array(b, 0, n) },
  i2: { dtype: 'int16', bytes: 2, make: (b, n) => new Int16Array(b, 0, n) },
  u2: { dtype: 'uint16', bytes: 2, make: (b, n) => new Uint16Array(b, 0, n) },
  // Converted to int32 (tfjs has no 64-bit integers); NumPy's default integer is int64.
  i8: { dtype: 'int32', bytes: 8, make: () => new Int32Array(0) },
  u4: { dtype: 'int32', bytes: 4, make: () => new Int32Array(0) },
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Encode values as a NumPy `.npy` file (C order, little-endian; format 1.0, or 2.0 when the header
 * needs more than 65535 bytes). `shape` defaults to `[data.length]`; `bool: true` writes a Uint8Array
 * as NumPy bool (`|b1`). NumPy reads it with `np.load(path)`.
 *
 * Throws E_BAD_ARGUMENT for another array type or a shape that does not match the length.
 */
export function encodeNpy(data: NpyWritable, shape: readonly number[] = [data.length], options: { bool?: boolean } = {}): Uint8Array {
  const descr = writeDescr(data, options.bool ?? false);
  checkShape(shape, data.length);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + length (2 or 4) + dict + padding + '\n' is a multiple of 64 (NumPy's alignment).
  const padded = (prefix: number): number => Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  const version = padded(10) <= 65535 ? 1 : 2;
  const prefix = version === 1 ? 10 : 12;
  const headerLength = padded(prefix);
  const header = dict.padEnd(headerLength - 1, ' ') + '\n';
  const itemBytes = data.BYTES_PER_ELEMENT;
  const out = new Uint8Array(prefix + headerLength + data.length * itemBytes);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  const body = out.subarray(prefix + headerLength);
  body.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (!LITTLE_ENDIAN_HOST) swapBytes(body, itemBytes);
  return out;
}

/**
 * Decode a NumPy `.npy` file: format 1.0, 2.0 or 3.0, C order; float32 / float64 / int32 / uint8 /
 * bool / int8 / int16 / uint16, either byte order (big-endian is swapped); int64 and uint32 are
 * read as int32 when every value fits. The values are a fresh copy.
 *
 * Throws CxrError E_IO for bytes that are not a complete `.npy` file (bad magic, truncated header
 * or data, unreadable header), and E_BAD_ARGUMENT for a valid file this reader does not handle
 * (complex, string or object dtypes, Fortran order, 64-bit integers that do not fit in int32).
 * `name` (a path) goes into the messages.
 */
export function decodeNpy(bytes: Uint8Array, name = '.npy data'): NpyArray {
  const path = name;
  const fail = (message: string): CxrError => new CxrError('E_IO', `${name} is not a valid .npy file: ${message}`, { path });
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw fail(bytes.length < 6 ? `only ${bytes.length} byte(s)` : 'it does not start with the magic string \\x93NUMPY');
  }
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let prefix: number;
  let headerLength: number;
  if (major === 1) {
    prefix = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw fail('truncated header');
    prefix = 12;
    headerLength = view.getUint32(8, true);
  } else {
    throw fail(`format version ${major}.${bytes[7]} (known: 1.0, 2.0, 3.0)`);
  }
  if (bytes.length < prefix + headerLength) throw fail(`truncated header (${bytes.length} bytes, the header ends at byte ${prefix + headerLength})`);
  const headerBytes = bytes.subarray(prefix, prefix + headerLength);
  const headerText = major === 3 ? new TextDecoder().decode(headerBytes) : latin1(headerBytes);
  let header: Record<string, unknown>;
  try {
    header = parseHeader(headerText);
  } catch (error) {
    throw fail(`cannot read its header ${JSON.stringify(headerText.trim())}: ${(error as Error).message}`);
  }
  const { descr, fortran_order: fortran, shape } = header;
  if (typeof descr !== 'string') throw fail(`its header has no 'descr' string: ${headerText.trim()}`);
  if (typeof fortran !== 'boolean') throw fail(`its header has no 'fortran_order' True/False: ${headerText.trim()}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw fail(`its header has no 'shape' tuple of integers: ${headerText.trim()}`);
  }
  const dims = shape as number[];
  const match = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  const info = match ? TYPES[`${match[2]}${match[3]}`] : undefined;
  if (!match || !info) {
    throw new CxrError(
      'E_BAD_ARGUMENT',
      `${name} holds dtype '${descr}', which cannot be read (supported: float32 f4, float64 f8, int32 i4, uint8 u1, bool b1, int8 i1, int16 i2, uint16 u2, int64 i8 and uint32 u4 as int32). ` +
        "Convert it in NumPy first, e.g. np.save(path, a.astype('float32')).",
      { path },
    );
  }
  if (fortran) {
    throw new CxrError('E_BAD_ARGUMENT', `${name} is stored in Fortran (column-major) order, which is not supported. Save it in C order: np.save(path, np.ascontiguousarray(a)).`, {
      path,
    });
  }
  const length = dims.reduce((a, b) => a * b, 1);
  const start = prefix + headerLength;
  const need = length * info.bytes;
  if (bytes.length - start < need) throw fail(`truncated data: shape (${dims.join(', ')}) of '${descr}' needs ${need} bytes, the file has ${bytes.length - start}`);
  const raw = bytes.slice(start, start + need);
  const bigEndian = match[1] === '>' || (match[1] === '=' && !LITTLE_ENDIAN_HOST);
  if (bigEndian === LITTLE_ENDIAN_HOST && info.bytes > 1) swapBytes(raw, info.bytes);
  if (match[3] === '8' && match[2] === 'i') return { data: toInt32(new BigInt64Array(raw.buffer, 0, length), name, descr), shape: dims, dtype: 'int32', descr };
  if (match[2] === 'u' && match[3] === '4') return { data: toInt32(new Uint32Array(raw.buffer, 0, length), name, descr), shape: dims, dtype: 'int32', descr };
  return { data: info.make(raw.buffer, length), shape: dims, dtype: info.dtype, descr };
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i] as number);
  return text;
}

function toInt32(values: BigInt64Array | Uint32Array, name: string, descr: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (v < -2147483648 || v > 2147483647) {
      throw new CxrError('E_BAD_ARGUMENT', `${name} ('${descr}') holds ${String(values[i])} at index ${i}, outside int32; convert it in NumPy (e.g. a.astype('float64')).`, {
        path: name,
      });
    }
    out[i] = v;
  }
  return out;
}

function writeDescr(data: NpyWritable, bool: boolean): string {
  if (bool) {
    assertArgument(data instanceof Uint8Array, 'encodeNpy: bool arrays are written from a Uint8Array of 0/1');
    return '|b1';
  }
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint8Array) return '|u1';
  throw new CxrError('E_BAD_ARGUMENT', `encodeNpy writes Float32Array, Int32Array, Uint8Array or Float64Array, got ${describe(data)}`);
}

function checkShape(shape: readonly number[], length: number): void {
  assertArgument(
    Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0),
    `npy shape must be an array of integers >= 0, got ${JSON.stringify(shape)}`,
  );
  const size = shape.reduce((a, b) => a * b, 1);
  assertArgument(size === length, `npy shape [${shape.join(', ')}] holds ${size} values, but the data has ${length}`);
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a] as number;
      bytes[a] = bytes[b] as number;
      bytes[b] = t;
    }
  }
}

function describe(value: unknown): string {
  return value === null || typeof value !== 'object' ? String(value) : (value.constructor?.name ?? 'object');
}

/**
 * The header is a Python dict literal, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
 * This parses the subset NumPy writes: strings, True/False, integers, tuples / lists, nested dicts.
 */
function parseHeader(text: string): Record<string, unknown> {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const expect = (ch: string): void => {
    skip();
    if (text[i] !== ch) throw new Error(`expected '${ch}' at ${i}`);
    i++;
  };
  const value = (): unknown => {
    skip();
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new Error('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (ch === '(' || ch === '[') {
      const close = ch === '(' ? ')' : ']';
      i++;
      const items: unknown[] = [];
      for (;;) {
        skip();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value());
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw new Error(`expected ',' or '${close}' at ${i}`);
      }
    }
    if (ch === '{') {
      i++;
      const dict: Record<string, unknown> = {};
      for (;;) {
        skip();
        if (text[i] === '}') {
          i++;
          return dict;
        }
        const key = value();
        if (typeof key !== 'string') throw new Error('dict keys must be strings');
        expect(':');
        dict[key] = value();
        skip();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') throw new Error(`expected ',' or '}' at ${i}`);
      }
    }
    const word = /^(True|False|None|-?\d+)L?/.exec(text.slice(i));
    if (!word) throw new Error(`unexpected '${text.slice(i, i + 10)}' at ${i}`);
    i += word[0].length;
    const w = word[1] as string;
    return w === 'True' ? true : w === 'False' ? false : w === 'None' ? null : Number(w);
  };
  const result = value();
  skip();
  if (i !== text.length) throw new Error(`unexpected text after the dict at ${i}`);
  if (result === null || typeof result !== 'object' || Array.isArray(result)) throw new Error('not a dict');
  return result as Record<string, unknown>;
}
