// Native kernels in Node: selectBackend() loads @cxr/native by itself; this only shows what it chose.
// #region usage
import { describeBackend, selectBackend } from '@cxr/core';

export async function startWasm() {
  const choice = await selectBackend({ backend: 'wasm' });
  // e.g. "wasm, 2 threads + native kernels (avx512, 2 threads) — forced by option=wasm"
  console.log(describeBackend(choice));
  if (!choice.native?.active) console.log(`wasm kernels only: ${choice.native?.reason}`);
  return choice;
}
// #endregion usage
