/** A revision on the alerts topic and when it got there (@vigil/db PublishedRevision). */
export interface PublishMark {
  id: string;
  revision: number;
  publishedAt: string;
}

export interface PublishMarksOptions {
  /** The store's markPublished: an id may be marked more than once per call. */
  markPublished(published: readonly PublishMark[], publishedAt: string): Promise<void>;
  /** Runs the write off the hot path, after earlier background work. */
  background: (what: string, op: () => Promise<void>) => void;
  /** How long marks gather before one write. */
  lingerMs: number;
}

/**
 * What was published is marked in the store for REST's publishedAt and for the unpublished-change sweep,
 * neither of which needs it at once (the sweep republishes only what two passes 10 s apart saw unmarked).
 * One write per publish was one more statement on every alert's path (≈ 100 a second at 100 alerts/s);
 * gathered for `lingerMs`, it is one per interval, each mark keeping its own time.
 */
export function createPublishMarks(options: PublishMarksOptions) {
  let pending: PublishMark[] = [];
  let timer: NodeJS.Timeout | null = null;

  /** Hands what is pending to the background now (a stop, a flush): `await` the background after it. */
  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length === 0) return;
    const marks = pending;
    pending = [];
    options.background('store.markPublished', () => options.markPublished(marks, marks.at(-1)!.publishedAt));
  }

  return {
    mark(marks: readonly PublishMark[]): void {
      if (marks.length === 0) return;
      pending.push(...marks);
      timer ??= setTimeout(flush, options.lingerMs);
    },
    flush,
  };
}

export type PublishMarks = ReturnType<typeof createPublishMarks>;
