import { describe, expect, it } from 'vitest';
import { eventRow } from './event-rows.ts';

describe('eventRow', () => {
  it("shows a stored event with its source's key fields, message and position", () => {
    const row = eventRow({
      id: 'security:1:9@5',
      source: 'security',
      ts: '2026-03-01T12:00:00.000Z',
      position: { partition: 1, offset: '9' },
      event: {
        ts: '2026-03-01T12:00:00.000Z',
        action: 'login_failure',
        userId: 'alice',
        ip: '10.0.0.5',
        bytes: 0,
      },
    });
    expect(row).toEqual({
      id: 'security:1:9@5',
      time: '2026-03-01T12:00:00.000Z',
      source: 'security',
      fields: [
        { name: 'action', value: 'login_failure' },
        { name: 'userId', value: 'alice' },
        { name: 'ip', value: '10.0.0.5' },
      ],
      message: 'bytes 0',
      position: '1 @ 9',
      live: false,
    });
  });

  it('marks tailed rows and leaves an unknown position empty', () => {
    const row = eventRow({ id: 'x', source: null, ts: null, position: null, event: { host: 'web-1' } }, true);
    expect(row).toMatchObject({ live: true, position: null, fields: [{ name: 'host', value: 'web-1' }] });
  });
});
