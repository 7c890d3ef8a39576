import { describe, expect, it } from 'vitest';
import { uniqueName } from './unique-name.ts';

describe('uniqueName', () => {
  it('keeps a clean prefix and adds a random suffix', () => {
    expect(uniqueName('events-logs')).toMatch(/^events-logs-[a-z0-9]{8}$/);
  });

  it('never repeats within a run', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('t')));
    expect(names.size).toBe(1000);
  });

  it('turns any prefix into lowercase letters, digits and dashes starting with a letter or digit', () => {
    expect(uniqueName('My Topic.v2!')).toMatch(/^my-topic-v2-[a-z0-9]{8}$/);
    expect(uniqueName('--x')).toMatch(/^x-/);
    expect(uniqueName('***')).toMatch(/^test-/);
  });

  it('stays within the 63-character limit of buckets and PostgreSQL names', () => {
    expect(uniqueName('a'.repeat(200)).length).toBeLessThanOrEqual(63);
  });
});
