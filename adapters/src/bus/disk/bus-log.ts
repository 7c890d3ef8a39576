import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GroupOffsets, GroupOffsetsFile } from './group-offsets-file.ts';
import type { LoggedMessage } from './log-frame.ts';
import { type ReplayedPartition, SegmentLog } from './segment-log.ts';
import { syncDir } from './sync-dir.ts';

/** Everything replay found: topics with their partitions' messages, committed offsets, the log's identity. */
export interface ReplayedBus {
  /** Random id made when the log was created; stays across restarts (the gateway's cursor epoch). */
  id: string;
  topics: Map<string, ReplayedPartition[]>;
  offsets: GroupOffsets;
}

interface PendingAppend {
  log: SegmentLog;
  frames: Buffer[];
  /** Called in append order once the frames are durable, before the promise resolves. */
  onDurable: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const topicDir = (root: string, topic: string) => join(root, 'topics', encodeURIComponent(topic));

/**
 * The on-disk side of the durable memory bus (embedded mode): one segment log per topic-partition under
 * `dir/topics/<topic>/<partition>/`, committed offsets in `dir/offsets.json`, the log's id in
 * `dir/bus.json`. Appends are group-committed: every append that arrives while a write and fsync are
 * under way goes into the next one, so a burst of small publishes costs a few fsyncs, not one each.
 * After a write or fsync fails the log refuses every later append: what is on disk can no longer be
 * trusted to match what was acknowledged.
 */
export class BusLog {
  readonly #dir: string;
  readonly #segmentBytes: number | undefined;
  readonly #logs = new Map<string, SegmentLog[]>();
  readonly #offsets: GroupOffsetsFile;
  #queue: PendingAppend[] = [];
  #flushing: Promise<void> | null = null;
  #failure: unknown = null;

  constructor(dir: string, options: { segmentBytes?: number } = {}) {
    this.#dir = dir;
    this.#segmentBytes = options.segmentBytes;
    this.#offsets = new GroupOffsetsFile(join(dir, 'offsets.json'));
  }

  /** Opens (or creates) the log and replays every topic found in it. */
  async open(): Promise<ReplayedBus> {
    await mkdir(join(this.#dir, 'topics'), { recursive: true });
    const id = await this.#identity();
    const topics = new Map<string, ReplayedPartition[]>();
    for (const entry of await readdir(join(this.#dir, 'topics'))) {
      const topic = decodeURIComponent(entry);
      const partitions = (await readdir(topicDir(this.#dir, topic))).filter((p) => /^\d+$/.test(p)).length;
      if (partitions > 0) topics.set(topic, await this.#openTopic(topic, partitions));
    }
    return { id, topics, offsets: await this.#offsets.read() };
  }

  /** Creates a topic's partition logs (empty). */
  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.#openTopic(topic, partitions);
    await syncDir(join(this.#dir, 'topics'));
  }

  /** Appends messages to a partition; resolves once they are on disk and fsynced. */
  append(topic: string, partition: number, frames: Buffer[], onDurable: () => void): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    const log = this.#logs.get(topic)?.[partition];
    if (!log) return Promise.reject(new Error(`bus log: no partition ${topic}/${partition}`));
    return new Promise((resolve, reject) => {
      this.#queue.push({ log, frames, onDurable, resolve, reject });
      this.#flushing ??= this.#drain().finally(() => {
        this.#flushing = null;
      });
    });
  }

  /** Frees the disk of messages below `low`, trimmed from memory (best effort: a failure only keeps them). */
  trim(topic: string, partition: number, low: number): Promise<void> {
    return this.#logs.get(topic)?.[partition]?.trim(low) ?? Promise.resolve();
  }

  saveOffsets(snapshot: () => GroupOffsets): Promise<void> {
    return this.#offsets.save(snapshot);
  }

  async close(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    await this.#offsets.flush();
    for (const logs of this.#logs.values()) for (const log of logs) await log.close();
    this.#logs.clear();
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        if (this.#failure) throw this.#failure;
        const touched = new Set<SegmentLog>();
        for (const pending of batch) {
          await pending.log.append(pending.frames);
          touched.add(pending.log);
        }
        await Promise.all([...touched].map((log) => log.sync()));
      } catch (err) {
        this.#failure ??= err;
        for (const pending of batch) pending.reject(this.#failure);
        continue;
      }
      for (const pending of batch) pending.onDurable();
      for (const pending of batch) pending.resolve();
    }
  }

  async #openTopic(topic: string, partitions: number): Promise<ReplayedPartition[]> {
    const logs: SegmentLog[] = [];
    const replayed: ReplayedPartition[] = [];
    for (let partition = 0; partition < partitions; partition += 1) {
      const log = new SegmentLog(join(topicDir(this.#dir, topic), String(partition)), this.#segmentBytes);
      replayed.push(await log.open());
      logs.push(log);
    }
    this.#logs.set(topic, logs);
    return replayed;
  }

  async #identity(): Promise<string> {
    const path = join(this.#dir, 'bus.json');
    try {
      const { id } = JSON.parse(await readFile(path, 'utf8')) as { id?: unknown };
      if (typeof id === 'string' && id !== '') return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const id = randomUUID().slice(0, 8);
    await writeFile(path, JSON.stringify({ id, createdAt: new Date().toISOString() }));
    await syncDir(this.#dir);
    return id;
  }
}

export type { LoggedMessage };
