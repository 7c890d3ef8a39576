export interface FrameBatcherOptions<T> {
  /** Runs `fn` before the next paint: `requestAnimationFrame` in the browser, a fake in tests. */
  schedule: (fn: () => void) => void;
  /** Receives everything pushed since the last flush, oldest first. */
  flush: (items: T[]) => void;
}

export interface FrameBatcher<T> {
  push(item: T): void;
  /** Hands over pending items now (e.g. before the page hides, when frames stop). */
  flushNow(): void;
}

/**
 * Collects items and hands them over once per animation frame, so 1,000 alerts a second cost about
 * 60 DOM and chart updates, not 1,000. At most one frame is scheduled at a time. Nothing is dropped
 * here: counters need every alert; views that show a capped list cap it themselves.
 */
export function createFrameBatcher<T>({ schedule, flush }: FrameBatcherOptions<T>): FrameBatcher<T> {
  let pending: T[] = [];
  let scheduled = false;

  const run = () => {
    scheduled = false;
    const items = pending;
    pending = [];
    if (items.length > 0) flush(items);
  };

  return {
    push(item) {
      pending.push(item);
      if (!scheduled) {
        scheduled = true;
        schedule(run);
      }
    },
    flushNow: run,
  };
}
