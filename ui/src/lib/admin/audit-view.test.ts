import { describe, expect, it } from 'vitest';
import { auditQuery, compactChange, emptyAuditFilter } from './audit-view.ts';

describe('auditQuery', () => {
  it('leaves out empty fields and sends times as ISO instants', () => {
    expect(auditQuery(emptyAuditFilter())).toEqual({});
    expect(
      auditQuery(
        {
          action: ' auth.login_failed ',
          actor: 'ada',
          outcome: 'failure',
          from: '2026-01-01T00:00:00.000Z',
          to: '',
        },
        'c2',
      ),
    ).toEqual({
      action: 'auth.login_failed',
      actor: 'ada',
      outcome: 'failure',
      from: '2026-01-01T00:00:00.000Z',
      cursor: 'c2',
    });
  });
});

describe('compactChange', () => {
  it('shows each changed field once, the unchanged ones not at all', () => {
    expect(compactChange({ status: 'open', id: 'a1' }, { status: 'resolved', id: 'a1' })).toEqual([
      'status: open → resolved',
    ]);
    expect(compactChange({ role: 'viewer' }, { role: 'operator', disabled: true })).toEqual([
      'role: viewer → operator',
      'disabled: — → true',
    ]);
  });

  it('marks a creation and a deletion', () => {
    expect(compactChange(null, { username: 'ada' })).toEqual(['+ {"username":"ada"}']);
    expect(compactChange({ name: 'ci' }, null)).toEqual(['− {"name":"ci"}']);
    expect(compactChange(null, null)).toEqual([]);
  });

  it('cuts long values', () => {
    const [line] = compactChange({ note: '' }, { note: 'x'.repeat(200) });
    expect(line?.length).toBeLessThan(80);
    expect(line?.endsWith('…')).toBe(true);
  });
});
