/**
 * A set of the most recent `capacity` ids, oldest forgotten first. The second guard against
 * showing an alert twice (the first is resuming from the cursor); bounded so a tab open for
 * days does not grow without limit.
 */
export class SeenIds {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Records the id and returns true if it was not seen before. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#capacity) {
      // Sets iterate in insertion order, so the first key is the oldest.
      const oldest = this.#ids.values().next().value as string;
      this.#ids.delete(oldest);
    }
    return true;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  get size(): number {
    return this.#ids.size;
  }
}
