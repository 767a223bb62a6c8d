// @cxr/cli — the `cxr` command, and the pieces for running it from code or writing configs.
export { runCli } from './program';
export { configSchema, defineConfig, type CxrConfig, type CxrConfigInput } from './config/schema';
export { loadConfig, formatIssues, type ResolvedConfig } from './config/load';
export { UsageError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './errors';
export type { CliIo } from './context';
export { runFiles, type RunFiles, type ModelMeta } from './run-files';
export type { TrainResult } from './commands/train';
export type { Evaluation, NamedCurve } from './commands/evaluate';
export type { Prediction } from './commands/predict';
export type { Explanation } from './commands/explain';
