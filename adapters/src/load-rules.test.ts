import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError, VigilError } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from './load-rules.ts';

describe('loadRules', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-rules-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the built-in defaults without a path', async () => {
    expect(await loadRules()).toEqual(defaultRules());
  });

  it('reads and validates a rules file', async () => {
    const path = join(dir, 'ok.json');
    const rule = {
      id: 'mine',
      title: 'Mine',
      source: 'logs',
      severity: 'info',
      kind: 'match',
      where: { field: 'level', eq: 'WARN' },
    };
    await writeFile(path, JSON.stringify({ version: 1, rules: [rule] }));
    // Filled in by the parser: the defaults of a match rule (keyed by service, episodes resolve after 5 min).
    expect(await loadRules(path)).toEqual([
      { ...rule, enabled: true, keyBy: ['service'], resolveAfterMs: 300_000 },
    ]);
  });

  it('names the file in validation errors', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ rules: [{ id: 'x', kind: 'count' }] }));
    const error = await loadRules(path).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message.startsWith(`${path}: invalid rules`)).toBe(true);
    expect((error as ValidationError).details).toContain('rules[0] "x": windowMs: missing');
  });

  it('reports an unreadable file as a configuration error', async () => {
    const error = await loadRules(join(dir, 'missing.json')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(VigilError);
    expect((error as VigilError).code).toBe('config_invalid');
    expect((error as VigilError).message).toMatch(/cannot read rules file .*missing\.json: ENOENT/);
  });
});
