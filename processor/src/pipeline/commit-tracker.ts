/**
 * Decides which offset each partition may commit. An offset is committable once every message before it is
 * handled (dead-lettered, or rules evaluated with their alerts persisted and published) AND archived. On top,
 * commits are held back by `replayMs` of event time, so that a processor that takes the partition over after
 * a crash or rebalance replays enough events to rebuild its window state; deterministic alert ids make the
 * replayed alerts no-ops.
 */
export interface CommitTrackerOptions {
  /** Event time to keep replayable; the longest count/sustained window of the rules. 0 disables hold-back. */
  replayMs: number;
  /** Checkpoint spacing in event time; bounds memory to replayMs / spacing entries per partition. */
  checkpointEveryMs?: number;
}

interface Checkpoint {
  offset: number;
  eventTime: number;
}

interface PartitionCommit {
  handledThrough: number;
  committed: number;
  maxEventTime: number;
  checkpoints: Checkpoint[];
  head: number;
}

export function createCommitTracker(options: CommitTrackerOptions) {
  const spacing = options.checkpointEveryMs ?? 1_000;
  let replayMs = options.replayMs;
  const partitions = new Map<string, PartitionCommit>();

  const stateOf = (id: string): PartitionCommit => {
    let state = partitions.get(id);
    if (!state) {
      state = { handledThrough: -1, committed: -1, maxEventTime: 0, checkpoints: [], head: 0 };
      partitions.set(id, state);
    }
    return state;
  };

  return {
    /** Records an event's position and time (call for every valid event, in offset order). */
    observe(topic: string, partition: number, offset: number, eventTime: number): void {
      if (replayMs <= 0) return;
      const state = stateOf(`${topic}:${partition}`);
      const last = state.checkpoints[state.checkpoints.length - 1];
      if (!last || eventTime - last.eventTime >= spacing) state.checkpoints.push({ offset, eventTime });
      if (eventTime > state.maxEventTime) state.maxEventTime = eventTime;
    },

    /** Every message of the partition up to `offset` is handled. */
    handled(topic: string, partition: number, offset: number): void {
      const state = stateOf(`${topic}:${partition}`);
      if (offset > state.handledThrough) state.handledThrough = offset;
    },

    /**
     * The offset to commit now (next offset to read), or null when it would not move forward.
     * `oldestUnarchived` is the archiver's oldest pending offset for the partition.
     */
    next(topic: string, partition: number, oldestUnarchived: number | null): number | null {
      const state = partitions.get(`${topic}:${partition}`);
      if (!state || state.handledThrough < 0) return null;
      let candidate = state.handledThrough + 1;
      if (oldestUnarchived !== null) candidate = Math.min(candidate, oldestUnarchived);
      if (replayMs > 0) {
        const horizon = state.maxEventTime - replayMs;
        const cps = state.checkpoints;
        while (state.head + 1 < cps.length && cps[state.head + 1]!.eventTime <= horizon) state.head++;
        if (state.head > 1024) {
          cps.splice(0, state.head);
          state.head = 0;
        }
        // The last checkpoint at or before the horizon: replaying from it covers every event after the horizon.
        const keep = cps[state.head];
        if (keep) candidate = Math.min(candidate, keep.offset);
      }
      if (candidate <= state.committed) return null;
      return candidate;
    },

    /**
     * Where to read again to rebuild `replayMs` of window state: the last checkpoint at or before the
     * horizon, else the oldest one kept (the partition holds less than the window). Null when nothing was
     * observed since the partition was (re)synced.
     */
    replayFrom(topic: string, partition: number): number | null {
      const state = partitions.get(`${topic}:${partition}`);
      const cps = state?.checkpoints ?? [];
      if (!state || cps.length === 0) return null;
      const horizon = state.maxEventTime - replayMs;
      let at = 0;
      while (at + 1 < cps.length && cps[at + 1]!.eventTime <= horizon) at++;
      return cps[at]!.offset;
    },

    /** A reload changed the longest window: later commits hold back this much event time. */
    setReplayMs(ms: number): void {
      replayMs = ms;
    },

    /** Records a successful commit. */
    committed(topic: string, partition: number, offset: number): void {
      const state = stateOf(`${topic}:${partition}`);
      if (offset > state.committed) state.committed = offset;
    },

    /** Partitions with any progress, as [topic, partition]. */
    partitions(): [string, number][] {
      return [...partitions.keys()].map((id) => {
        const cut = id.lastIndexOf(':');
        return [id.slice(0, cut), Number(id.slice(cut + 1))];
      });
    },

    forget(topic: string, partition: number): void {
      partitions.delete(`${topic}:${partition}`);
    },
  };
}

export type CommitTracker = ReturnType<typeof createCommitTracker>;
