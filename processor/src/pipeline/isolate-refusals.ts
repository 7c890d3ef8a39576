import { isInputRefusal } from './input-refusal.ts';

export interface Refused<T> {
  item: T;
  error: unknown;
}

/**
 * Writes `items` with one call when the store accepts them all (the normal case), and otherwise finds the
 * items it refuses by bisecting: the refused batch is written again in halves, down to the single items
 * that still fail. Each item the store refuses for its data (isInputRefusal) is returned; everything else
 * is written. k refused items among n cost about 2·k·log2(n) extra writes, paid only when a write fails.
 *
 * `write` must be idempotent (the alert store drops ids it already holds), since a half that fails may
 * have been partly written, and it should retry transient failures itself. Any other failure (a bug, a SQL
 * error not caused by the data) rejects at once: bisecting cannot make it go away.
 */
export async function writeIsolatingRefusals<T>(
  items: readonly T[],
  write: (batch: T[]) => Promise<unknown>,
): Promise<Refused<T>[]> {
  if (items.length === 0) return [];
  try {
    await write([...items]);
    return [];
  } catch (error) {
    if (!isInputRefusal(error)) throw error;
    if (items.length === 1) return [{ item: items[0]!, error }];
    const middle = Math.ceil(items.length / 2);
    // One half after the other: the store sees the alerts in the order they were raised.
    const first = await writeIsolatingRefusals(items.slice(0, middle), write);
    const second = await writeIsolatingRefusals(items.slice(middle), write);
    return [...first, ...second];
  }
}
