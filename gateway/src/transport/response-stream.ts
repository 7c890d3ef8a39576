import type { ResponseStream } from '../http/http-types.ts';

/**
 * What a streamed body needs of a uWS HttpResponse. Structural, so this file does not import uWebSockets.js
 * (uws-server.ts is its one importer) and is tested with a plain object.
 */
export interface StreamingResponse {
  cork(callback: () => void): unknown;
  /** uWS: true when nothing is left buffered; false when it keeps the rest until the socket drains. */
  write(chunk: string): boolean;
  end(): unknown;
  close(): unknown;
  onWritable(handler: (offset: number) => boolean): unknown;
}

/** The transport's side of a stream: it reports the client leaving. */
export interface TransportStream extends ResponseStream {
  /** uWS's onAborted: the client is gone and the response must not be touched again. */
  aborted(): void;
}

/**
 * A chunk sent when the socket turns writable after backpressure. uWS drains its buffer only when a write
 * is made in the onWritable handler (with a handler registered it leaves draining to us, and without one it
 * drops the connection 10 s after a failed write even when the client has caught up). An SSE comment line:
 * every chunk written ends a whole frame, so this always lands between two, where readers ignore it.
 */
const DRAIN_CHUNK = ':\n';

function closeListeners() {
  const listeners: (() => void)[] = [];
  let fired = false;
  return {
    add(listener: () => void) {
      if (fired) listener();
      else listeners.push(listener);
    },
    fire() {
      if (fired) return;
      fired = true;
      for (const listener of listeners.splice(0)) listener();
    },
  };
}

/**
 * A chunked response body over uWS. uWS never drops what `write` is given: what the socket does not take
 * is buffered. `bufferedBytes` counts what was written since the last write uWS took whole (an upper bound,
 * within one cork buffer), so the owner can cut a client that stopped reading at its own ceiling.
 */
export function createResponseStream(res: StreamingResponse): TransportStream {
  let closed = false;
  let backlog = 0;
  const listeners = closeListeners();
  const finish = () => {
    closed = true;
    backlog = 0;
    listeners.fire();
  };
  const write = (chunk: string): boolean => {
    let taken = false;
    res.cork(() => {
      taken = res.write(chunk);
    });
    backlog = taken ? 0 : backlog + Buffer.byteLength(chunk);
    return taken;
  };
  res.onWritable(() => (closed ? true : write(DRAIN_CHUNK)));
  return {
    get closed() {
      return closed;
    },
    write: (chunk) => (closed ? false : write(chunk)),
    bufferedBytes: () => backlog,
    end() {
      if (closed) return;
      res.cork(() => res.end());
      finish();
    },
    destroy() {
      if (closed) return;
      closed = true; // before close(): uWS runs onAborted inside it
      res.close();
      finish();
    },
    aborted: finish,
    onClose: (listener) => listeners.add(listener),
  };
}

/** The stream a response gets when there is no client to stream to (aborted, HEAD, server stopping). */
export function closedResponseStream(): ResponseStream {
  return {
    closed: true,
    write: () => false,
    bufferedBytes: () => 0,
    end: () => {},
    destroy: () => {},
    onClose: (listener) => listener(),
  };
}
