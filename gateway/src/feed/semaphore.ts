/** Bounds concurrent work (bus replays): `run` waits for a free slot, first come first served. */
export interface Semaphore {
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

export function createSemaphore(slots: number): Semaphore {
  if (!Number.isInteger(slots) || slots < 1) throw new RangeError('semaphore needs ≥ 1 slot');
  let active = 0;
  const queue: (() => void)[] = [];
  return {
    async run(work) {
      if (active >= slots) await new Promise<void>((resolve) => queue.push(resolve));
      else active += 1;
      try {
        return await work();
      } finally {
        const next = queue.shift();
        if (next)
          next(); // the slot passes straight to the next waiter
        else active -= 1;
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
