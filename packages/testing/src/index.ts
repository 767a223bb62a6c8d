export { expectNoLeaks } from './leaks.js';
export type { LeakReport, NoLeakOptions } from './leaks.js';
export { cxrMatchers, toBeCloseTensor, toHaveShape } from './matchers.js';
export { phantomFixture } from './fixtures.js';
export { pretrainedPhantomModel, phantomModelArchitecture, PRETRAINED_PHANTOM } from './pretrained.js';
