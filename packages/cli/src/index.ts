// @cxr/cli — what a `cxr.config.ts` imports: the config schema and `defineConfig`. Browser-safe and
// light (zod only), so loading a config does not load tfjs. The commands are in `@cxr/cli/node`.
export { configSchema, defineConfig, type CxrConfig, type CxrConfigInput } from './config/schema';
export { UsageError, EXIT_OK, EXIT_FAILURE, EXIT_USAGE } from './errors';
