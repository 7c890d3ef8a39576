import { describe, expect, it } from 'vitest';
import { parseServerFrame } from './parse-frame.ts';

const alert = { id: 'a1', severity: 'high', detectedAt: '2026-01-01T00:00:00.000Z' };

describe('parseServerFrame', () => {
  it('accepts an alert frame', () => {
    const parsed = parseServerFrame(JSON.stringify({ op: 'alert', cursor: '7', alert }));
    expect(parsed).toEqual({ ok: true, frame: { op: 'alert', cursor: '7', alert } });
  });

  it('accepts an update frame (a changed episode) and checks its alert like an alert frame', () => {
    const parsed = parseServerFrame(JSON.stringify({ op: 'update', cursor: '8', alert }));
    expect(parsed).toEqual({ ok: true, frame: { op: 'update', cursor: '8', alert } });
    expect(parseServerFrame('{"op":"update","cursor":"1","alert":{"id":3}}')).toEqual({
      ok: false,
      reason: 'malformed update frame',
    });
  });

  it('accepts subscribed, pong and error frames', () => {
    expect(parseServerFrame('{"op":"subscribed","filter":{},"cursor":"3"}').ok).toBe(true);
    expect(parseServerFrame('{"op":"pong"}').ok).toBe(true);
    expect(parseServerFrame('{"op":"error","code":"bad_request","message":"x"}').ok).toBe(true);
  });

  it('rejects bad JSON, unknown ops and malformed alerts with a reason', () => {
    expect(parseServerFrame('{').ok).toBe(false);
    expect(parseServerFrame('{"op":"party"}')).toEqual({ ok: false, reason: 'unknown op "party"' });
    expect(parseServerFrame('{"op":"alert","cursor":"1","alert":{"id":3}}').ok).toBe(false);
    expect(parseServerFrame('[]').ok).toBe(false);
    expect(parseServerFrame(new ArrayBuffer(2)).ok).toBe(false);
  });
});
