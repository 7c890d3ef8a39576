import { describe, expect, it } from 'vitest';
import { newPasswordProblems, passwordChangeProblems } from './password-rules.ts';

describe('newPasswordProblems', () => {
  it('accepts 12 characters typed twice', () => {
    expect(newPasswordProblems('correct-horse', 'correct-horse')).toEqual([]);
  });

  it('refuses a short password and a mistyped confirmation, each said', () => {
    expect(newPasswordProblems('short', 'shorter')).toEqual([
      'The password needs at least 12 characters.',
      'The two passwords differ.',
    ]);
  });
});

describe('passwordChangeProblems', () => {
  it('asks for the current password only when one is set', () => {
    const form = { current: '', password: 'correct-horse', confirm: 'correct-horse' };
    expect(passwordChangeProblems({ ...form, hasPassword: true })).toEqual(['Enter your current password.']);
    expect(passwordChangeProblems({ ...form, hasPassword: false })).toEqual([]);
  });
});
