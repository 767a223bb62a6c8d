import type { OnProgress } from '@cxr/core';
import { createProgressBar } from '@cxr/core/node';

/** Where the CLI writes; `runCli` takes it so tests run commands in-process. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Relative paths on the command line are resolved against this. Default `process.cwd()`. */
  cwd: string;
}

/** What a command gets: logging that stays quiet under `--json`, and a progress bar on a TTY. */
export interface CommandContext {
  io: CliIo;
  json: boolean;
  log(line: string): void;
  onProgress: OnProgress | undefined;
  done(): void;
}

export async function createContext(io: CliIo, json: boolean): Promise<CommandContext> {
  // A bar only for people: not under --json, not into a pipe or a file.
  const bar = !json && io.stderr.isTTY ? await createProgressBar({ stream: io.stderr as NodeJS.WriteStream }) : null;
  return {
    io,
    json,
    log(line) {
      if (json) return;
      bar?.stop();
      io.stdout.write(`${line}\n`);
    },
    onProgress: bar?.onProgress,
    done() {
      bar?.stop();
    },
  };
}
