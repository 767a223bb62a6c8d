import { readFile } from 'node:fs/promises';
import { CxrError } from '@cxr/core';
import { decodeDicom, type DecodeDicomOptions, type DicomImage } from '../dicom.js';

/** Read and decode a DICOM file from disk (see `decodeDicom`); errors carry the path. */
export async function readDicom(path: string, options: DecodeDicomOptions = {}): Promise<DicomImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'E_NOT_FOUND' : 'E_IO';
    throw new CxrError(code, `Cannot read DICOM file ${path}: ${(error as Error).message}`, { path, cause: error });
  }
  try {
    return decodeDicom(bytes, options);
  } catch (error) {
    if (error instanceof CxrError && error.path === undefined) {
      throw new CxrError(error.code, `${path}: ${error.message}`, { path, cause: error });
    }
    throw error;
  }
}
