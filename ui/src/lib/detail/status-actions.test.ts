import { describe, expect, it } from 'vitest';
import { statusActions } from './status-actions.ts';

describe('statusActions', () => {
  const labels = (status: Parameters<typeof statusActions>[0]) => statusActions(status).map((a) => a.label);

  it('offers acknowledge and resolve on an open alert', () => {
    expect(labels('open')).toEqual(['Acknowledge', 'Resolve']);
  });

  it('offers resolve and reopen on an acknowledged one, reopen on a resolved one', () => {
    expect(labels('acknowledged')).toEqual(['Resolve', 'Reopen']);
    expect(statusActions('resolved')).toEqual([{ to: 'open', label: 'Reopen' }]);
  });
});
