/**
 * Ring entries every replay together may examine in one turn of the event loop. Matching one entry against
 * a filter costs well under a microsecond, so a turn's worth stays around a millisecond: a ping or a live
 * publish waits at most that long behind replays, whatever the ring size, the filters or the number of
 * subscribes in one read.
 */
export const REPLAY_SCAN_PER_TURN = 2_048;

/**
 * The event loop's time, shared by every replay: a replay takes one unit per ring entry it examines and,
 * once the turn's units are spent, waits for `nextTurn`, which comes after a setImmediate, i.e. after the
 * loop has polled sockets again. Shared (not per replay) because what is protected is the one loop: a
 * per-replay slice would let N subscribes in one socket read do N slices before any I/O runs.
 */
export interface ScanBudget {
  /** Spends one unit of this turn; false when the turn is spent (nothing was spent then). */
  take(): boolean;
  /**
   * Resolves in a later turn, in FIFO order, once there are units left for the caller. Waiters are woken one
   * at a time while units last, so a turn costs O(replays that get to scan) however many wait, and the ones
   * not reached keep their place ahead of the replay that spent the turn (round robin, nobody starves).
   */
  nextTurn(): Promise<void>;
}

export function createScanBudget(perTurn = REPLAY_SCAN_PER_TURN): ScanBudget {
  if (!Number.isInteger(perTurn) || perTurn < 1) throw new RangeError('scan budget perTurn must be ≥ 1');
  let left = perTurn;
  let refillPending = false;
  const queue = createQueue<() => void>();

  // A turn starts at the first unit spent after a refill, so an idle budget schedules nothing.
  const scheduleRefill = () => {
    if (refillPending) return;
    refillPending = true;
    setImmediate(refill);
  };
  // The woken replay resumes in the microtask queued by its resolve, before this one: by the time
  // wakeNext runs again it has scanned (and spent) what it needed. Were it to take longer, the next waiter
  // would only be woken early, to find the turn spent and queue again.
  const wakeNext = () => {
    if (queue.size === 0) return;
    if (left === 0) return scheduleRefill();
    queue.shift()();
    queueMicrotask(wakeNext);
  };
  function refill() {
    refillPending = false;
    left = perTurn;
    wakeNext();
  }

  return {
    take() {
      if (left === 0) return false;
      left -= 1;
      scheduleRefill();
      return true;
    },
    nextTurn() {
      scheduleRefill();
      return new Promise((resolve) => queue.push(resolve));
    },
  };
}

/** A FIFO with O(1) shift (Array#shift copies), compacted once half of it is consumed. */
function createQueue<T>() {
  let items: T[] = [];
  let head = 0;
  return {
    get size() {
      return items.length - head;
    },
    push(item: T) {
      items.push(item);
    },
    shift(): T {
      const item = items[head]!;
      head += 1;
      if (head >= 1_024 && head * 2 >= items.length) {
        items = items.slice(head);
        head = 0;
      }
      return item;
    },
  };
}

/** The budget of this process's event loop, which every replay shares unless handed another (tests). */
export const processScanBudget: ScanBudget = createScanBudget();
