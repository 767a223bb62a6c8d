/** Exit codes of `cxr`: 0 ok, 1 the run failed, 2 the command line or the config is wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * A mistake the user can fix in the command line or the config (exit code 2): an unknown flag, a
 * missing or invalid config, a path that does not exist. `problems` lists every problem found, each
 * prefixed with where it is (`model.type: ...`).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly problems: string[];

  constructor(message: string, problems: readonly string[] = []) {
    super(problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.problems = [...problems];
  }
}
