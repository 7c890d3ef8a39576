import { isSource, type Source, ValidationError } from '@vigil/core';

/**
 * The one key layout for raw event batches, shared by the S3 and filesystem archives:
 * `raw/source=logs/date=2026-11-21/hour=14/events.logs-p3-o000000000123-000000000456.ndjson.gz`.
 * Hive-style `name=value` folders let Athena/Spark/DuckDB prune by source, date and hour. The name is a pure
 * function of the batch (topic, partition, offsets), so a retried batch overwrites its own object instead of
 * writing a duplicate.
 */

/** Offsets are padded to this many digits so lexical key order is numeric order up to 10^12 - 1. */
const OFFSET_DIGITS = 12;
const TOPIC_PATTERN = /^[A-Za-z0-9._-]{1,249}$/; // Kafka's own topic-name rule
const OFFSET_PATTERN = /^\d+$/;
const KEY_PATTERN =
  /^raw\/source=([a-z]+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/([A-Za-z0-9._-]+)-p(\d+)-o(\d+)-(\d+)\.ndjson\.gz$/;

export interface RawBatch {
  source: Source;
  /** When the batch's first event happened (epoch ms or Date); picks the date and hour folders, in UTC. */
  eventTime: number | Date;
  topic: string;
  partition: number;
  /** Kafka offsets are int64: pass decimal strings (the bus port's form), numbers or bigints. */
  firstOffset: string | number | bigint;
  lastOffset: string | number | bigint;
}

export interface ParsedRawBatchKey {
  source: Source;
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** 0–23, UTC. */
  hour: number;
  topic: string;
  partition: number;
  /** Decimal strings without padding, like the bus port's offsets. */
  firstOffset: string;
  lastOffset: string;
}

/** The archive key of one raw batch; throws ValidationError for input that would make an ambiguous key. */
export function rawBatchKey(batch: RawBatch): string {
  if (!isSource(batch.source)) throw new ValidationError(`unknown source "${String(batch.source)}"`);
  if (!TOPIC_PATTERN.test(batch.topic)) throw new ValidationError(`invalid topic name "${batch.topic}"`);
  if (!Number.isSafeInteger(batch.partition) || batch.partition < 0)
    throw new ValidationError(`invalid partition ${batch.partition}`);
  const first = offsetDigits(batch.firstOffset, 'firstOffset');
  const last = offsetDigits(batch.lastOffset, 'lastOffset');
  if (BigInt(first) > BigInt(last))
    throw new ValidationError(`firstOffset ${first} is after lastOffset ${last}`);
  const name = `${batch.topic}-p${batch.partition}-o${pad(first)}-${pad(last)}.ndjson.gz`;
  return `${rawHourPrefix(batch.source, batch.eventTime)}${name}`;
}

/** The folder of one source (and, given a time, one UTC hour) for `archive.list(prefix)`. */
export function rawBatchPrefix(source: Source, eventTime?: number | Date): string {
  return eventTime === undefined ? `raw/source=${source}/` : rawHourPrefix(source, eventTime);
}

/** The reverse of rawBatchKey; null for any key outside the layout. */
export function parseRawBatchKey(key: string): ParsedRawBatchKey | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const [, source, date, hour, topic, partition, first, last] = match as unknown as string[];
  if (!isSource(source) || !isCalendarDate(date!) || Number(hour) > 23) return null;
  return {
    source,
    date: date!,
    hour: Number(hour),
    topic: topic!,
    partition: Number(partition),
    firstOffset: BigInt(first!).toString(),
    lastOffset: BigInt(last!).toString(),
  };
}

function rawHourPrefix(source: Source, eventTime: number | Date): string {
  const date = new Date(eventTime instanceof Date ? eventTime.getTime() : eventTime);
  // UTC, so every process files an event under the same hour; length 24 excludes years outside 0000–9999.
  const iso = Number.isNaN(date.getTime()) ? '' : date.toISOString();
  if (iso.length !== 24) throw new ValidationError(`invalid eventTime ${String(eventTime)}`);
  return `raw/source=${source}/date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
}

function offsetDigits(offset: string | number | bigint, name: string): string {
  const text = typeof offset === 'number' && !Number.isSafeInteger(offset) ? '' : String(offset);
  if (!OFFSET_PATTERN.test(text)) throw new ValidationError(`invalid ${name} ${String(offset)}`);
  return BigInt(text).toString(); // drops leading zeros so the same offset always pads the same way
}

/** Longer offsets keep all their digits: the key stays unique and parseable, only lexical order degrades. */
const pad = (digits: string): string => digits.padStart(OFFSET_DIGITS, '0');

function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}
