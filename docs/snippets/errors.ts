// Every failure is a CxrError with a stable code; bad files can be skipped with a report instead.
// #region usage
import { isCxrError } from '@cxr/core';
import { imageFolder } from '@cxr/data/node';

export async function loadOrExplain(dir: string) {
  try {
    const data = await imageFolder(dir, { imageSize: 224, onError: 'skip' });
    for (const { file, code, reason } of data.report().skipped) console.warn(`skipped ${file}: ${code} ${reason}`);
    return data;
  } catch (error) {
    if (isCxrError(error)) console.error(`${error.code}: ${error.message}`); // e.g. E_NOT_FOUND
    throw error;
  }
}
// #endregion usage
