import { describe, expect, it } from 'vitest';
import { ApiError, problemFieldErrors } from './api-error.ts';

describe('ApiError.fromResponse', () => {
  it('keeps the problem object and says title and detail', () => {
    const error = ApiError.fromResponse(409, 'Conflict', {
      type: 'https://shopops.dev/problems/out-of-stock',
      title: 'Out of stock',
      status: 409,
      detail: 'Only 2 of "Enamel mug" left',
    });
    expect(error).toMatchObject({ kind: 'http', status: 409, message: 'Out of stock: Only 2 of "Enamel mug" left' });
    expect(error.problem?.type).toBe('https://shopops.dev/problems/out-of-stock');
  });

  it('falls back to the status line when the body is not a problem', () => {
    const error = ApiError.fromResponse(502, 'Bad Gateway', '<html>nginx</html>');
    expect(error).toMatchObject({ kind: 'http', status: 502, message: 'The API answered 502 Bad Gateway' });
    expect(error.problem).toBeUndefined();
  });
});

describe('problemFieldErrors', () => {
  const problem = (errors: unknown) => ({ title: 'Invalid body', status: 400, errors });

  it('reads arrays of { path, message }, { field, message } and strings', () => {
    expect(
      problemFieldErrors(
        problem([
          { path: ['items', 0, 'quantity'], message: 'must be at least 1' },
          { field: 'customerEmail', message: 'invalid email' },
          { message: 'too many items' },
          'plain message',
        ]),
      ),
    ).toEqual([
      'items.0.quantity: must be at least 1',
      'customerEmail: invalid email',
      'too many items',
      'plain message',
    ]);
  });

  it('reads a map of field to message or messages', () => {
    expect(problemFieldErrors(problem({ customerEmail: 'invalid email', items: ['empty', 'too long'] }))).toEqual([
      'customerEmail: invalid email',
      'items: empty',
      'items: too long',
    ]);
  });

  it('returns nothing without errors', () => {
    expect(problemFieldErrors(undefined)).toEqual([]);
    expect(problemFieldErrors(problem(undefined))).toEqual([]);
  });
});
