import { readFile, rename, writeFile } from 'node:fs/promises';

/** Committed offsets of every group, by group id then `topic:partition`. */
export type GroupOffsets = Record<string, Record<string, number>>;

/**
 * The committed offsets of the durable memory bus, in one small JSON file replaced atomically (write a
 * temporary file, rename it over). Writes are coalesced: while one is in flight, later commits only mark
 * the state dirty and the newest state is written next. Not fsynced: a commit lost in a crash only makes
 * the group replay a little more, which at-least-once delivery allows.
 */
export class GroupOffsetsFile {
  readonly #path: string;
  #writing: Promise<void> | null = null;
  #dirty = false;
  #snapshot: () => GroupOffsets = () => ({});

  constructor(path: string) {
    this.#path = path;
  }

  async read(): Promise<GroupOffsets> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.#path, 'utf8'));
      return parsed !== null && typeof parsed === 'object' ? (parsed as GroupOffsets) : {};
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`bus log ${this.#path}: unreadable committed offsets`, { cause: err });
    }
  }

  /** Schedules a write of `snapshot()`; resolves once a write that includes this change is done. */
  save(snapshot: () => GroupOffsets): Promise<void> {
    this.#snapshot = snapshot;
    this.#dirty = true;
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = null;
    });
    return this.#writing;
  }

  /** Waits for pending writes (stop). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain(): Promise<void> {
    while (this.#dirty) {
      this.#dirty = false;
      const temp = `${this.#path}.tmp`;
      await writeFile(temp, JSON.stringify(this.#snapshot()));
      await rename(temp, this.#path);
    }
  }
}
