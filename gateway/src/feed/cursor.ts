import { WS_ERROR_CODES } from '@vigil/core';
import { type DecodedCursor, MAX_CURSOR_LENGTH, POSITION_WIDTH } from '../live/live-types.ts';

/**
 * WebSocket cursors: `<epoch>.<position>`, where position is the NEXT offset of the alerts topic to
 * read (the offset of the alert the cursor was sent with, plus one), in base 36, zero-padded to a
 * fixed width so that comparing two cursors of one epoch as strings compares the positions.
 *
 * The alerts topic has exactly one partition, so its offset is one global order, and every gateway
 * instance reading that topic computes the same cursor for the same alert: a cursor from gateway 1
 * resumes on gateway 2. The epoch names the offset space: a fixed string for Kafka, the process
 * start for the in-process bus (whose offsets restart at 0 with the process), so a cursor that points
 * into another offset space is recognised as expired instead of silently meaning something else.
 */

const EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const POSITION_PATTERN = /^[0-9a-z]{13}$/;

export interface CursorCodec {
  readonly epoch: string;
  /** The cursor meaning "everything from offset `next` on". */
  encode(next: number): string;
  /** Malformed text → bad_request; a well-formed cursor of another epoch → cursor_expired. */
  decode(text: string): DecodedCursor;
}

export const isValidEpoch = (epoch: string): boolean => EPOCH_PATTERN.test(epoch);

export function createCursorCodec(epoch: string): CursorCodec {
  if (!isValidEpoch(epoch)) throw new TypeError(`cursor epoch must match ${EPOCH_PATTERN}: "${epoch}"`);
  const prefix = `${epoch}.`;
  return {
    epoch,
    encode(next) {
      if (!Number.isSafeInteger(next) || next < 0) throw new RangeError(`bad cursor position ${next}`);
      return prefix + next.toString(36).padStart(POSITION_WIDTH, '0');
    },
    decode(text) {
      const dot = text.lastIndexOf('.');
      const cursorEpoch = text.slice(0, dot);
      const position = text.slice(dot + 1);
      if (
        text.length > MAX_CURSOR_LENGTH ||
        dot < 0 ||
        !isValidEpoch(cursorEpoch) ||
        !POSITION_PATTERN.test(position)
      ) {
        return { ok: false, code: WS_ERROR_CODES.badRequest, message: 'malformed cursor' };
      }
      const next = Number.parseInt(position, 36);
      if (!Number.isSafeInteger(next)) {
        return { ok: false, code: WS_ERROR_CODES.badRequest, message: 'cursor position out of range' };
      }
      if (cursorEpoch !== epoch) {
        return {
          ok: false,
          code: WS_ERROR_CODES.cursorExpired,
          message: 'cursor is from another epoch of the alert stream; subscribe without since',
        };
      }
      return { ok: true, next };
    },
  };
}
