/** Metrics of one epoch, Keras names: `loss`, `accuracy`, and `val_loss`/`val_accuracy` with validation data. */
export interface EpochLogs {
  [metric: string]: number;
  loss: number;
  accuracy: number;
}

/** Metrics of one training step. */
export interface BatchLogs {
  loss: number;
  accuracy: number;
  /** Images in the batch. */
  size: number;
}

/**
 * What `fit` returns, plain JSON (goes into metrics.json and checkpoints as it is).
 * Like Keras' History: `epoch` holds epoch indices (0-based, as the article prints them) and
 * `history[metric][i]` the value at `epoch[i]`.
 */
export interface History {
  epoch: number[];
  /** `loss`, `accuracy`, and `val_loss`, `val_accuracy` when the run had validation data. */
  history: {
    [metric: string]: number[];
    loss: number[];
    accuracy: number[];
  };
  /** Training throughput over all epochs (images / seconds of the training passes, validation excluded). */
  imagesPerSecond: number;
  /** Seconds each epoch's training pass took. */
  seconds: number[];
  /** Images each epoch trained on. */
  images: number[];
  /** The seed the run used (drawn at random when none was given), to reproduce it. */
  seed: number;
  /** True when a callback (or `onEpochEnd`) stopped training before `epochs`. */
  stoppedEarly: boolean;
}

export function createHistory(seed: number): History {
  return { epoch: [], history: { loss: [], accuracy: [] }, imagesPerSecond: 0, seconds: [], images: [], seed, stoppedEarly: false };
}

/** Append one epoch. Metrics first seen late are padded with NaN so every series lines up with `epoch`. */
export function recordEpoch(history: History, epoch: number, logs: EpochLogs, seconds: number, images: number): void {
  const seen = history.epoch.length;
  for (const [name, value] of Object.entries(logs)) {
    const series = (history.history[name] ??= Array<number>(seen).fill(Number.NaN));
    series.push(value);
  }
  history.epoch.push(epoch);
  history.seconds.push(seconds);
  history.images.push(images);
  const totalSeconds = history.seconds.reduce((a, b) => a + b, 0);
  const totalImages = history.images.reduce((a, b) => a + b, 0);
  history.imagesPerSecond = totalSeconds > 0 ? totalImages / totalSeconds : 0;
}
