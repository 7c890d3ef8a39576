import { type FileHandle, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFrames, type LoggedMessage } from './log-frame.ts';
import { syncDir } from './sync-dir.ts';

/**
 * A new segment starts once the active one passes this size: small enough that a trimmed partition
 * frees its disk soon after its memory, large enough that a busy partition rolls every few minutes.
 */
export const SEGMENT_BYTES = 16 * 1024 * 1024;

const SEGMENT = /^(\d{20})\.log$/;
const segmentName = (base: number) => `${String(base).padStart(20, '0')}.log`;

interface Segment {
  base: number;
  path: string;
}

/** What replay found in a partition's directory. */
export interface ReplayedPartition {
  /** Offset of the first message in `messages` (the high watermark when it is empty). */
  base: number;
  messages: LoggedMessage[];
}

/**
 * One partition of the durable memory bus on disk: segment files named by their first offset, as in
 * Kafka's log. Appends go to the newest segment; `sync` makes them durable; `trim` deletes segments
 * whose every message lies below the partition's low offset. The newest segment is never deleted, so its
 * name keeps the high watermark even when every message is trimmed.
 */
export class SegmentLog {
  readonly #dir: string;
  readonly #segmentBytes: number;
  #segments: Segment[] = [];
  #active: FileHandle | null = null;
  #activeBytes = 0;
  #next = 0;
  #dirty = false;

  constructor(dir: string, segmentBytes = SEGMENT_BYTES) {
    this.#dir = dir;
    this.#segmentBytes = segmentBytes;
  }

  /** Reads every retained message; a torn tail of the newest segment (a crash mid-write) is cut off. */
  async open(): Promise<ReplayedPartition> {
    await mkdir(this.#dir, { recursive: true });
    const names = (await readdir(this.#dir)).filter((n) => SEGMENT.test(n)).sort();
    this.#segments = names.map((name) => ({
      base: Number(SEGMENT.exec(name)![1]),
      path: join(this.#dir, name),
    }));
    if (this.#segments.length === 0) {
      await this.#roll(0);
      return { base: 0, messages: [] };
    }
    const messages: LoggedMessage[] = [];
    const base = this.#segments[0]!.base;
    for (const [index, segment] of this.#segments.entries()) {
      if (segment.base !== base + messages.length) {
        throw new Error(
          `bus log ${this.#dir}: segment ${segment.base} does not follow offset ${base + messages.length}`,
        );
      }
      const data = await readFile(segment.path);
      const decoded = decodeFrames(data);
      const last = index === this.#segments.length - 1;
      if (decoded.validBytes < data.byteLength && !last) {
        throw new Error(`bus log ${segment.path}: corrupt frame at byte ${decoded.validBytes}`);
      }
      for (const message of decoded.messages) messages.push(message);
      if (last) {
        this.#active = await open(segment.path, 'r+');
        // Cut a torn tail so the next append follows the last intact frame.
        if (decoded.validBytes < data.byteLength) await this.#active.truncate(decoded.validBytes);
        this.#activeBytes = decoded.validBytes;
      }
    }
    this.#next = base + messages.length;
    return { base, messages };
  }

  /** Appends encoded frames (see log-frame.ts) after the last message; durable only after `sync`. */
  async append(frames: readonly Buffer[]): Promise<void> {
    if (this.#activeBytes >= this.#segmentBytes) await this.#roll(this.#next);
    const data = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
    await this.#active!.write(data, 0, data.byteLength, this.#activeBytes);
    this.#activeBytes += data.byteLength;
    this.#next += frames.length;
    this.#dirty = true;
  }

  async sync(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    await this.#active!.datasync();
  }

  /** Deletes the segments holding only offsets below `low` (already trimmed from memory). */
  async trim(low: number): Promise<void> {
    while (this.#segments.length > 1 && this.#segments[1]!.base <= low) {
      const [oldest] = this.#segments.splice(0, 1);
      await rm(oldest!.path, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.sync();
    await this.#active?.close();
    this.#active = null;
  }

  async #roll(base: number): Promise<void> {
    await this.sync();
    await this.#active?.close();
    const path = join(this.#dir, segmentName(base));
    this.#active = await open(path, 'w+');
    this.#activeBytes = 0;
    this.#segments.push({ base, path });
    // The new file's name is part of the log (it carries the base offset): make the directory entry durable.
    await syncDir(this.#dir);
  }
}
