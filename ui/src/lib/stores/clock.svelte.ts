import { createSubscriber } from 'svelte/reactivity';

/**
 * A clock for relative times ("12 s ago") that ticks once a second only while something on screen
 * reads it. Local only: it never touches the network.
 */
class Clock {
  #subscribe = createSubscriber((update) => {
    const timer = setInterval(update, 1_000);
    return () => clearInterval(timer);
  });

  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}

export const clock = new Clock();
