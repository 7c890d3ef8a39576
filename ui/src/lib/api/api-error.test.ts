import { describe, expect, it } from 'vitest';
import { ApiError, forbiddenText, problemsOf } from './api-error.ts';

describe('problemsOf', () => {
  it("lists a 400's problems, with their path when given", () => {
    const err = new ApiError(400, 'invalid user', {
      details: [{ path: '/username', message: 'must not be empty' }, 'role: unknown'],
    });
    expect(problemsOf(err)).toEqual(['/username: must not be empty', 'role: unknown']);
  });

  it("says a 409's reason without the status, and any other error's message", () => {
    expect(problemsOf(new ApiError(409, 'username taken'))).toEqual(['username taken']);
    expect(problemsOf(new ApiError(500, 'internal error'))).toEqual(['500 internal error']);
    expect(problemsOf(new Error('boom'))).toEqual(['boom']);
  });
});

describe('forbiddenText', () => {
  it('names the role and the one needed, or just says no', () => {
    expect(forbiddenText({ required: 'admin', role: 'operator' })).toBe(
      'Your role (operator) cannot do this: it needs admin.',
    );
    expect(forbiddenText(undefined)).toBe('Your role cannot do this.');
  });
});
