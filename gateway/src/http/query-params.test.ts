import { Type } from '@sinclair/typebox';
import { ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { AlertQueryParams, TimelineQueryParams } from './api-params.ts';
import { createQueryParser } from './query-params.ts';

const parse = createQueryParser(AlertQueryParams);
const q = (text: string) => new URLSearchParams(text);

function rejection(run: () => unknown): { message: string; details: Record<string, unknown> } {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const e = err as ValidationError;
    return { message: e.message, details: e.details as Record<string, unknown> };
  }
  throw new Error('expected a ValidationError');
}

describe('createQueryParser', () => {
  describe('multi-select parameters', () => {
    it('take repeated values', () => {
      expect(parse(q('severity=high&severity=critical'))).toEqual({ severity: ['high', 'critical'] });
    });
    it('take comma-separated values, trimmed, and both forms mixed', () => {
      expect(parse(q('source=logs,%20metrics&source=security'))).toEqual({
        source: ['logs', 'metrics', 'security'],
      });
    });
    it('treat an empty value as not set', () => {
      expect(parse(q('severity=&service=,&q='))).toEqual({});
    });
    it('reject a value outside the enum, naming parameter, value and allowed values', () => {
      const { message, details } = rejection(() => parse(q('severity=high,urgent')));
      expect(message).toBe('severity "urgent" is not one of info, low, medium, high, critical');
      expect(details).toMatchObject({ parameter: 'severity', value: 'urgent' });
    });
    it('reject unknown sources and statuses', () => {
      expect(rejection(() => parse(q('source=twitter'))).details.parameter).toBe('source');
      expect(rejection(() => parse(q('status=closed'))).details.parameter).toBe('status');
    });
    it('reject more than 100 values', () => {
      const many = Array.from({ length: 101 }, (_, i) => `s${i}`).join(',');
      expect(rejection(() => parse(q(`service=${many}`))).details).toMatchObject({
        parameter: 'service',
        max: 100,
      });
    });
    it('reject an over-long free-text value', () => {
      expect(rejection(() => parse(q(`ruleId=${'x'.repeat(300)}`))).details.parameter).toBe('ruleId');
    });
  });

  describe('scalar parameters', () => {
    it('coerce integers and keep strings', () => {
      expect(parse(q('limit=10&q=disk%20full&from=2030-01-01T00:00:00Z'))).toEqual({
        limit: 10,
        q: 'disk full',
        from: '2030-01-01T00:00:00Z',
      });
    });
    it.each(['0', '501', '1.5', 'ten', '-3'])('reject limit=%s', (value) => {
      const { message, details } = rejection(() => parse(q(`limit=${value}`)));
      expect(message).toBe('limit must be an integer from 1 to 500');
      expect(details).toEqual({ parameter: 'limit', value });
    });
    it.each([
      'yesterday',
      '2030-01-01',
      '2030-13-01T00:00:00Z',
      '1700000000',
      // Valid to JavaScript, refused or misread by PostgreSQL, or rolled over to another day.
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
    ])('reject from=%s', (value) => {
      const { details } = rejection(() => parse(q(`from=${value}`)));
      expect(details).toEqual({ parameter: 'from', value });
    });
    it('rejects a parameter given twice', () => {
      expect(rejection(() => parse(q('limit=1&limit=2'))).details).toEqual({ parameter: 'limit', count: 2 });
    });
    it('rejects a bucket outside the enum', () => {
      const timeline = createQueryParser(TimelineQueryParams);
      expect(rejection(() => timeline(q('bucket=2m'))).details).toMatchObject({
        parameter: 'bucket',
        allowed: ['1m', '5m', '15m', '1h', '1d'],
      });
    });
  });

  describe('U+0000 (PostgreSQL refuses it in text)', () => {
    it.each(['service', 'ruleId', 'userId', 'q', 'cursor', 'from'])('rejects it in %s, naming it', (name) => {
      const { message, details } = rejection(() => parse(q(`${name}=a%00b`)));
      expect(message).toBe(`${name} must not contain U+0000 (NUL)`);
      expect(details).toEqual({ parameter: name, value: 'a\\u0000b' });
    });
    it('rejects it in any one value of a list', () => {
      expect(rejection(() => parse(q('service=a,b%00&service=c'))).details.parameter).toBe('service');
    });
  });

  it('rejects unknown parameter names, so typos are visible', () => {
    const { message, details } = rejection(() => parse(q('sevrity=high')));
    expect(message).toBe('unknown parameter "sevrity"');
    expect(details.parameter).toBe('sevrity');
    expect(details.allowed).toContain('severity');
  });

  it('enforces required parameters', () => {
    const needsName = createQueryParser(Type.Object({ name: Type.String() }));
    expect(rejection(() => needsName(q(''))).details).toEqual({ parameter: 'name' });
    expect(needsName(q('name=x'))).toEqual({ name: 'x' });
  });
});
