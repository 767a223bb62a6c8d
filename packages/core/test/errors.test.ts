import { describe, expect, it } from 'vitest';
import { CxrError, isCxrError, assertArgument, CXR_ERROR_CODES } from '@cxr/core';

describe('CxrError', () => {
  it('carries a stable code, the path and the cause', () => {
    const cause = new Error('low level');
    const error = new CxrError('E_IMAGE_DECODE', 'Cannot decode x.png: re-export it as PNG.', { path: '/x.png', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CxrError');
    expect(error.code).toBe('E_IMAGE_DECODE');
    expect(error.path).toBe('/x.png');
    expect(error.cause).toBe(cause);
    expect(isCxrError(error)).toBe(true);
    expect(isCxrError(error, 'E_IMAGE_DECODE')).toBe(true);
    expect(isCxrError(error, 'E_IO')).toBe(false);
    expect(isCxrError(cause)).toBe(false);
  });

  it('codes are unique strings starting with E_', () => {
    expect(new Set(CXR_ERROR_CODES).size).toBe(CXR_ERROR_CODES.length);
    for (const code of CXR_ERROR_CODES) expect(code).toMatch(/^E_[A-Z_]+$/);
  });

  it('assertArgument throws E_BAD_ARGUMENT', () => {
    expect(() => assertArgument(false, 'bad')).toThrowError(expect.objectContaining({ code: 'E_BAD_ARGUMENT' }));
    expect(() => assertArgument(1, 'fine')).not.toThrow();
  });
});
