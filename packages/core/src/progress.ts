/**
 * Progress events: long-running work (loading, training, evaluation) reports through one
 * small typed emitter, so Node shows a progress bar and a browser page draws its own.
 */
export interface ProgressEvent {
  /** What is running, e.g. 'load', 'train', 'evaluate'. */
  phase: string;
  /** Units done so far (batches, files, …). */
  current: number;
  /** Units in all, when known. */
  total?: number;
  /** Free-form numbers to show, e.g. `{ loss: 0.31 }`. */
  values?: Record<string, number>;
  /** A one-line message. */
  message?: string;
}

export type Listener<T> = (event: T) => void;

/** A minimal typed event emitter (works in Node and browsers; no dependency). */
export class Emitter<Events extends Record<string, unknown>> {
  private listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(name, listener);
  }

  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void {
    this.listeners.get(name)?.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(name: K, event: Events[K]): void {
    for (const listener of this.listeners.get(name) ?? []) (listener as Listener<Events[K]>)(event);
  }
}

/** Something that can receive progress, e.g. a callback option of a long-running API. */
export type OnProgress = (event: ProgressEvent) => void;
