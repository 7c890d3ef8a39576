import { describe, expect, it } from 'vitest';
import { javaMajor } from './requirements.ts';

describe('javaMajor', () => {
  it('reads modern and legacy version strings', () => {
    expect(javaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(javaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(javaMajor('java version "1.8.0_402"')).toBe(8);
    expect(javaMajor('no java here')).toBeNull();
  });
});
