import { problemSchema, type Problem } from './schemas.ts';

export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'invalid-response';

/** Every failure of an API call: an HTTP error (with the problem object when the API sent one), a network failure, a timeout, or a response of the wrong shape. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status?: number,
    readonly problem?: Problem,
  ) {
    super(message);
  }

  static fromResponse(status: number, statusText: string, body: unknown): ApiError {
    const parsed = problemSchema.safeParse(body);
    if (parsed.success) {
      const problem = parsed.data;
      return new ApiError(
        'http',
        problem.detail ? `${problem.title}: ${problem.detail}` : problem.title,
        status,
        problem,
      );
    }
    return new ApiError('http', `The API answered ${status}${statusText ? ` ${statusText}` : ''}`, status);
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Field-level messages from a problem's `errors` member, whatever shape the API chose: strings, `{ message, path }` objects, or a map of field to message(s). */
export function problemFieldErrors(problem: Problem | undefined): string[] {
  const errors = problem?.errors;
  if (errors === undefined || errors === null) return [];
  if (Array.isArray(errors)) return errors.map(describeFieldError).filter((m): m is string => m !== undefined);
  if (typeof errors === 'object') {
    return Object.entries(errors).flatMap(([field, value]) => {
      const messages = Array.isArray(value) ? value : [value];
      return messages.map((m) => `${field}: ${describeFieldError(m) ?? String(m)}`);
    });
  }
  return [String(errors)];
}

function describeFieldError(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && 'message' in entry) {
    const { message } = entry as { message: unknown };
    const path =
      'path' in entry
        ? (entry as { path: unknown }).path
        : 'field' in entry
          ? (entry as { field: unknown }).field
          : undefined;
    const where = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : '';
    return where ? `${where}: ${String(message)}` : String(message);
  }
  return undefined;
}
