/**
 * A one-waiter wake-up flag. A `notify()` that arrives while nobody waits is remembered, so a consumer
 * that checks for work and then waits can never miss a publish that landed in between.
 */
export interface Wakeup {
  notify(): void;
  wait(): Promise<void>;
}

export function createWakeup(): Wakeup {
  let pending = false;
  let release: (() => void) | undefined;
  return {
    notify() {
      if (release) {
        const resolve = release;
        release = undefined;
        resolve();
      } else {
        pending = true;
      }
    },
    wait() {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
}
