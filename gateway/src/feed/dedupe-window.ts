/**
 * Duplicate detection by alert id over a window of topic offsets. The processor may publish an alert
 * again after a crash (same deterministic id, new offset); a client must see it once.
 *
 * The rule is a function of the topic's content only, so every gateway and every replay path decides
 * alike: the record at offset `o` is a duplicate when a record with the same id was seen at an offset
 * in [o - window, o) (whether that record was itself a duplicate or not). A replay from the bus therefore reads `window` records before its start just to
 * learn their ids (see range-reader.ts), and the live feed preloads at least as much at start.
 */
export interface DedupeWindow {
  /** Records the id at `offset`; true when it is a duplicate (offsets must be given in increasing order). */
  seen(id: string, offset: number): boolean;
  readonly size: number;
}

export function createDedupeWindow(window: number): DedupeWindow {
  if (!Number.isInteger(window) || window < 0) throw new RangeError('dedupe window must be an integer ≥ 0');
  const lastOffset = new Map<string, number>();
  // FIFO of what was recorded, to forget ids that leave the window; compacted as it is consumed.
  let order: { id: string; offset: number }[] = [];
  let first = 0;

  const forgetBefore = (offset: number) => {
    while (first < order.length && order[first]!.offset < offset) {
      const { id, offset: recorded } = order[first]!;
      if (lastOffset.get(id) === recorded) lastOffset.delete(id);
      first += 1;
    }
    if (first > 1024 && first * 2 > order.length) {
      order = order.slice(first);
      first = 0;
    }
  };

  return {
    seen(id, offset) {
      forgetBefore(offset - window);
      const duplicate = lastOffset.has(id);
      // A duplicate refreshes the id too: the rule looks at any earlier record with the id, kept or not.
      lastOffset.set(id, offset);
      order.push({ id, offset });
      return duplicate;
    },
    get size() {
      return lastOffset.size;
    },
  };
}
