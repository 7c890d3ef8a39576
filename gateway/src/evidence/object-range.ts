import type { ParsedRawBatchKey } from '@vigil/adapters';
import type { EventRef } from './evidence-types.ts';

/** True when the object holds the bus position: same topic and partition, offset within its range. */
export function covers(object: ParsedRawBatchKey, ref: EventRef): boolean {
  if (object.topic !== ref.topic || object.partition !== ref.partition) return false;
  const offset = BigInt(ref.offset); // int64 offsets: compared exactly, never as doubles
  return offset >= BigInt(object.firstOffset) && offset <= BigInt(object.lastOffset);
}
