export { numberFlag, runMain, type RunMainHooks } from './script.js';
import type { OnProgress, ProgressEvent } from './progress.js';

export interface ProgressBarOptions {
  /** Write to this stream (default: stderr). Nothing is drawn when it is not a TTY unless `force`. */
  stream?: NodeJS.WriteStream;
  /** Draw even when the stream is not a TTY (one line per update is then printed at phase end). */
  force?: boolean;
}

interface CliProgressBar {
  start(total: number, value: number, payload?: object): void;
  update(value: number, payload?: object): void;
  setTotal(total: number): void;
  stop(): void;
}

/**
 * A terminal progress bar (cli-progress) fed by cxr progress events. Returns the `onProgress`
 * callback to pass to long-running APIs, and `stop()` to call when done. Where cli-progress
 * or a TTY is missing, it prints one summary line per finished phase instead.
 */
export async function createProgressBar(options: ProgressBarOptions = {}): Promise<{ onProgress: OnProgress; stop(): void }> {
  const stream = options.stream ?? process.stderr;
  type CliProgress = { SingleBar: new (opts: object, preset: object) => CliProgressBar; Presets: Record<string, object> };
  let cli: CliProgress | null = null;
  if (stream.isTTY || options.force) {
    try {
      const mod = (await import(/* @vite-ignore */ 'cli-progress')) as { default?: unknown };
      cli = (mod.default ?? mod) as CliProgress;
    } catch {
      cli = null;
    }
  }
  let bar = null as CliProgressBar | null;
  let phase = '';
  let last: ProgressEvent | null = null;

  const format = (e: ProgressEvent): string =>
    Object.entries(e.values ?? {})
      .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
      .join(' ');

  const finishPhase = (): void => {
    if (bar) bar.stop();
    else if (last && !stream.isTTY) stream.write(`${last.phase} ${last.current}/${last.total ?? '?'} ${format(last)}${last.message ? ` ${last.message}` : ''}\n`);
    bar = null;
  };

  const onProgress: OnProgress = (event) => {
    if (event.phase !== phase) {
      finishPhase();
      phase = event.phase;
      if (cli) {
        const created = new cli.SingleBar(
          { stream, format: `${event.phase.padEnd(10)} [{bar}] {value}/{total} {info}`, hideCursor: false, clearOnComplete: false },
          cli.Presets['shades_classic'] ?? {},
        );
        created.start(event.total ?? 0, event.current, { info: format(event) });
        bar = created;
      }
    }
    last = event;
    if (bar) {
      if (event.total !== undefined) bar.setTotal(event.total);
      bar.update(event.current, { info: `${format(event)}${event.message ? ` ${event.message}` : ''}` });
    }
  };
  return { onProgress, stop: finishPhase };
}
