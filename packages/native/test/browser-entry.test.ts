import { describe, expect, it } from 'vitest';
import * as node from '@cxr/native';
import * as browser from '../src/browser.js';

// The `browser` export condition must be a drop-in for the Node entry: same names, nothing loaded.
describe('@cxr/native browser entry', () => {
  it('exports the same functions as the Node entry', () => {
    const functions = (m: object) => Object.keys(m).filter((k) => typeof (m as Record<string, unknown>)[k] === 'function').sort();
    expect(functions(browser)).toEqual(functions(node));
  });

  it('loads no addon and registers no kernel, saying why', () => {
    expect(browser.loadNativeAddon()).toEqual({ addon: null, reason: 'native kernels run only in Node' });
    expect(browser.registerNativeKernels('wasm')).toEqual({ active: false, reason: 'native kernels run only in Node', kernels: [] });
    expect(() => browser.addonPath()).toThrow(/only in Node/);
  });

  it('shares the enable switch with the Node entry', () => {
    try {
      browser.setNativeKernelsEnabled(false);
      expect(node.nativeKernelsEnabled()).toBe(false);
      node.setNativeKernelsEnabled(true);
      expect(browser.nativeKernelsEnabled()).toBe(true);
    } finally {
      node.setNativeKernelsEnabled(true);
    }
  });
});
