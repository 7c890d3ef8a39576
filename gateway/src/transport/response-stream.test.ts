import { describe, expect, it } from 'vitest';
import { closedResponseStream, createResponseStream, type StreamingResponse } from './response-stream.ts';

/** A uWS response whose socket takes writes only while `open` is true; what it refuses waits in `held`. */
function fakeResponse() {
  const fake = {
    open: true,
    sent: [] as string[],
    held: [] as string[],
    ended: false,
    closed: false,
    onWritable: null as ((offset: number) => boolean) | null,
    onAborted: null as (() => void) | null,
  };
  const res: StreamingResponse = {
    cork: (callback) => callback(),
    write(chunk) {
      if (fake.open) {
        fake.sent.push(...fake.held.splice(0), chunk);
        return true;
      }
      fake.held.push(chunk);
      return false;
    },
    end: () => {
      fake.ended = true;
    },
    close: () => {
      fake.closed = true;
      fake.onAborted?.(); // uWS runs onAborted inside close()
    },
    onWritable: (handler) => {
      fake.onWritable = handler;
    },
  };
  return { fake, res };
}

describe('a streamed response body', () => {
  it('writes chunks and reports nothing buffered while the client keeps up', () => {
    const { fake, res } = fakeResponse();
    const stream = createResponseStream(res);
    expect(stream.write('a\n\n')).toBe(true);
    expect(stream.bufferedBytes()).toBe(0);
    expect(fake.sent).toEqual(['a\n\n']);
  });

  it('counts what uWS had to buffer, and forgets it once a write goes through whole', () => {
    const { fake, res } = fakeResponse();
    const stream = createResponseStream(res);
    fake.open = false;
    expect(stream.write('12345')).toBe(false);
    expect(stream.write('678')).toBe(false);
    expect(stream.bufferedBytes()).toBe(8);
    fake.open = true;
    expect(stream.write('9')).toBe(true);
    expect(stream.bufferedBytes()).toBe(0);
    expect(fake.sent.join('')).toBe('123456789');
  });

  it('drains on writable with a comment line, the only way uWS drains with a handler registered', () => {
    const { fake, res } = fakeResponse();
    const stream = createResponseStream(res);
    fake.open = false;
    stream.write('event: x\ndata: 1\n\n');
    expect(fake.onWritable?.(0)).toBe(false); // still blocked: uWS waits for the next writable event
    fake.open = true;
    expect(fake.onWritable?.(0)).toBe(true);
    expect(stream.bufferedBytes()).toBe(0);
    expect(fake.sent).toEqual(['event: x\ndata: 1\n\n', ':\n', ':\n']);
  });

  it('closes once, whoever closes it, and tells its listeners once', () => {
    for (const close of ['end', 'destroy', 'abort'] as const) {
      const { fake, res } = fakeResponse();
      const stream = createResponseStream(res);
      fake.onAborted = () => stream.aborted();
      let told = 0;
      stream.onClose(() => {
        told += 1;
      });
      if (close === 'end') stream.end();
      else if (close === 'destroy') stream.destroy();
      else stream.aborted();
      stream.end();
      stream.destroy();
      stream.aborted();
      expect(told, close).toBe(1);
      expect(stream.closed).toBe(true);
      expect(stream.write('late')).toBe(false);
      expect(fake.ended, close).toBe(close === 'end');
      expect(fake.closed, close).toBe(close === 'destroy');
      let late = 0;
      stream.onClose(() => {
        late += 1;
      });
      expect(late, 'a listener added after the close runs at once').toBe(1);
    }
  });

  it('has a closed stand-in for a response nobody will read', () => {
    const stream = closedResponseStream();
    let told = false;
    stream.onClose(() => {
      told = true;
    });
    expect(told).toBe(true);
    expect(stream.closed).toBe(true);
    expect(stream.write('x')).toBe(false);
  });
});
