import { describe, expect, it } from 'vitest';
import { EVENT_COLUMNS } from './event-columns.ts';
import { copyLine } from './event-copy.ts';
import { type EventWriteRow, toEventRow } from './event-row.ts';

/** COPY text format read back as PostgreSQL reads it: fields split on tabs, `\N` null, backslash escapes. */
function readLine(line: string): (string | null)[] {
  expect(line.endsWith('\n')).toBe(true);
  const unescaped = (field: string) =>
    field.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c);
  return line
    .slice(0, -1)
    .split('\t')
    .map((field) => (field === '\\N' ? null : unescaped(field)));
}

describe('copyLine', () => {
  const json =
    '{\n\t"ts": "2030-01-01T00:00:00.000Z",\r\n "message": "tab\\there \\\\N", "service": "a\\\\b"}';
  const row: EventWriteRow = toEventRow({
    source: 'logs',
    partition: 2,
    offset: '9007199254740993',
    busTimestamp: 1_900_000_000_000,
    event: { ...JSON.parse(json), host: 'h\tx\ny\\', userId: '\\.' },
    json,
  });

  it('writes one line of one field per column, each read back as it was', () => {
    const fields = readLine(copyLine(row));
    expect(fields).toHaveLength(EVENT_COLUMNS.length);
    const at = (key: string) => fields[EVENT_COLUMNS.findIndex(([k]) => k === key)];
    expect(at('id')).toBe('logs:2:9007199254740993@1900000000000');
    expect(at('ts')).toBe('2030-01-01T00:00:00.000Z');
    expect(at('offset')).toBe('9007199254740993');
    expect(at('message')).toBe('tab\there \\N');
    expect(at('host')).toBe('h\tx\ny\\');
    expect(at('userId')).toBe('\\.');
    expect(at('event')).toBe(json); // the text as it came, not serialized again
  });
  it('writes \\N for a null and numbers as decimals', () => {
    const fields = readLine(copyLine({ ...row, ip: null, cpu: 12.5, memory: null }));
    const at = (key: string) => fields[EVENT_COLUMNS.findIndex(([k]) => k === key)];
    expect([at('ip'), at('cpu'), at('memory'), at('partition')]).toEqual([null, '12.5', null, '2']);
  });
});
