/**
 * Stable error codes. Callers switch on `code`; messages may change, codes never do.
 */
export const CXR_ERROR_CODES = [
  'E_BAD_ARGUMENT',
  'E_NOT_FOUND',
  'E_NOT_A_DIRECTORY',
  'E_EMPTY_CLASS',
  'E_SINGLE_CLASS',
  'E_NO_CLASSES',
  'E_UNKNOWN_CLASS',
  'E_IMAGE_DECODE',
  'E_IMAGE_TOO_LARGE',
  /** A file a loader does not read (hidden, or not an image by its extension); reported, never thrown. */
  'E_UNSUPPORTED_FILE',
  'E_SHAPE_MISMATCH',
  'E_BACKEND_UNAVAILABLE',
  'E_NOT_FINITE',
  'E_IO',
  'E_MODEL_LOAD',
  /** A metric with no value for valid inputs, e.g. ROC AUC when y_true holds only one class (@cxr/metrics). */
  'E_UNDEFINED_METRIC',
  /** A metadata CSV has no row left after a filter / class mapping (@cxr/data metadataDataset); the message names the step. */
  'E_NO_ROWS',
  /** A metadata CSV lacks a column the call needs; the message lists the missing and the existing columns. */
  'E_MISSING_COLUMN',
  /** A CSV row that does not fit the header (too many / too few fields, text in an unnamed column); reported. */
  'E_MALFORMED_ROW',
  /** The same image file named by more than one CSV row; reported (kept once, or dropped when the labels disagree). */
  'E_DUPLICATE_FILE',
  /** A row without a group (patient) id; reported, and such a row is its own group in groupSplit. */
  'E_MISSING_GROUP',
  /** A row whose label value fits more than one class of a class map; reported and dropped. */
  'E_AMBIGUOUS_LABEL',
  /** A DICOM file @cxr/data cannot decode: transfer syntax, photometric interpretation or bit depth; the message names it. */
  'E_UNSUPPORTED_DICOM',
  /** A DICOM file without Pixel Data (7FE0,0010), e.g. a structured report or a header-only file. */
  'E_DICOM_NO_PIXELS',
  /** A training checkpoint that does not fit the model or optimizer it is resumed into (weight names/shapes, optimizer class). */
  'E_CHECKPOINT_MISMATCH',
  /** A training checkpoint whose files are missing, truncated or fail their checksum. */
  'E_CHECKPOINT_CORRUPT',
  /** A training checkpoint written in a format version this cxr does not read. */
  'E_CHECKPOINT_VERSION',
] as const;

export type CxrErrorCode = (typeof CXR_ERROR_CODES)[number];

export interface CxrErrorOptions {
  /** The file or directory the error is about, when there is one. */
  path?: string;
  cause?: unknown;
}

/** The one error class of cxr: a stable `code`, a message that says what to do, and the `cause`. */
export class CxrError extends Error {
  override readonly name = 'CxrError';
  readonly code: CxrErrorCode;
  readonly path: string | undefined;

  constructor(code: CxrErrorCode, message: string, options: CxrErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}

/** Narrow an unknown to a CxrError, optionally of one code. */
export function isCxrError(error: unknown, code?: CxrErrorCode): error is CxrError {
  // Duck-typed too: @cxr/metrics throws its own tfjs-free error with the same name and codes.
  const like =
    error instanceof CxrError ||
    (error instanceof Error && error.name === 'CxrError' && typeof (error as { code?: unknown }).code === 'string');
  return like && (code === undefined || (error as CxrError).code === code);
}

/** Throw `E_BAD_ARGUMENT` unless `condition` holds. */
export function assertArgument(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CxrError('E_BAD_ARGUMENT', message);
}
