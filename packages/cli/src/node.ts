// @cxr/cli/node — run `cxr` from code (`runCli(argv, io)` returns the exit code) and read configs.
export { runCli } from './program';
export { loadConfig, formatIssues, type ResolvedConfig } from './config/load';
export type { CliIo } from './context';
export { runFiles, type RunFiles, type ModelMeta } from './run-files';
export type { TrainResult } from './commands/train';
export type { Evaluation, NamedCurve } from './commands/evaluate';
export type { Prediction } from './commands/predict';
export type { Explanation } from './commands/explain';
