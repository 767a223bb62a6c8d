// Runs the docs/packages/native.md snippet: on linux-x64 the committed prebuilt binary must load.
import { describe, expect, it } from 'vitest';

describe('docs snippet: native', () => {
  it('startWasm reports native kernels in front of wasm (linux-x64) or why not', async () => {
    const { startWasm } = await import('./native.js');
    const choice = await startWasm();
    expect(choice.name).toBe('wasm');
    if (`${process.platform}-${process.arch}` === 'linux-x64' && process.env['CXR_NATIVE'] !== '0') {
      expect(choice.native?.active, choice.native?.reason).toBe(true);
      expect(choice.native?.kernels).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DBackpropFilter', 'MaxPool']));
    } else {
      expect(choice.native?.active).toBe(false);
      expect(choice.native?.reason).toBeTruthy();
    }
  });
});
