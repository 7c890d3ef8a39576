import { SEVERITIES } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { SEVERITIES_DESC, severityStyle, sourceColor } from './severity-style.ts';

describe('severityStyle', () => {
  it('gives every severity a distinct colour and a label', () => {
    const colors = SEVERITIES.map((s) => severityStyle(s).color);
    expect(new Set(colors).size).toBe(SEVERITIES.length);
    expect(severityStyle('critical')).toMatchObject({ label: 'Critical', color: '#dc2626' });
  });

  it('uses red for critical and orange for high, as on-call engineers expect', () => {
    expect(severityStyle('critical').badge).toContain('bg-red-600');
    expect(severityStyle('high').dot).toBe('bg-orange-500');
  });

  it('falls back to a neutral style for a severity it does not know', () => {
    expect(severityStyle('catastrophic')).toMatchObject({ label: 'catastrophic', color: '#94a3b8' });
  });

  it('orders severities most urgent first', () => {
    expect(SEVERITIES_DESC[0]).toBe('critical');
    expect(SEVERITIES_DESC.at(-1)).toBe('info');
  });
});

describe('sourceColor', () => {
  it('is stable per source and neutral for unknown ones', () => {
    expect(sourceColor('logs')).toBe('#6366f1');
    expect(sourceColor('carrier-pigeon')).toBe('#94a3b8');
  });
});
