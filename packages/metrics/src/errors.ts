/**
 * The codes metrics can throw: a subset of `@cxr/core`'s `CxrErrorCode`, spelled the same, so callers
 * switch on one set of strings whichever package threw. `E_UNDEFINED_METRIC`: the inputs are valid but
 * the metric has no value for them (ROC AUC with only one class present in `yTrue`, as sklearn raises).
 */
export type MetricsErrorCode = 'E_BAD_ARGUMENT' | 'E_SHAPE_MISMATCH' | 'E_NOT_FINITE' | 'E_IO' | 'E_UNDEFINED_METRIC';

/**
 * The error every `@cxr/metrics` function throws. It has the shape of `@cxr/core`'s `CxrError`
 * (`name === 'CxrError'`, `code`, `path`, `cause`) but is a separate class, because `@cxr/core`
 * imports tfjs and this package must not: test `error.name === 'CxrError'` and `error.code`, not
 * `instanceof CxrError`.
 */
export class MetricsError extends Error {
  override readonly name = 'CxrError';
  readonly code: MetricsErrorCode;
  readonly path: string | undefined;

  constructor(code: MetricsErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}
