import { STATUS_CODES } from 'node:http';

export interface FieldError {
  /** Dotted path into the body, query or params, e.g. items.0.quantity. */
  path: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  traceId?: string;
}

const TYPE_PREFIX = 'urn:shopops:problem:';

/**
 * An error that becomes a problem response as it is. Handlers throw these; anything else that reaches the
 * error handler is either a Fastify client error (4xx, mapped) or a bug (500, logged, never shown).
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    slug: string,
    detail: string,
    extra: { errors?: FieldError[]; headers?: Record<string, string>; title?: string } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = status;
    this.type = TYPE_PREFIX + slug;
    this.title = extra.title ?? STATUS_CODES[status] ?? 'Error';
    this.errors = extra.errors;
    this.headers = extra.headers ?? {};
  }

  body(instance: string, traceId: string): ProblemBody {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
      traceId,
    };
  }
}

export const problem = {
  validation: (errors: FieldError[], detail = 'the request is invalid; see errors') =>
    new HttpProblem(400, 'validation', detail, { errors }),
  badRequest: (detail: string) => new HttpProblem(400, 'bad-request', detail),
  unauthorized: (detail: string) =>
    new HttpProblem(401, 'unauthorized', detail, { headers: { 'www-authenticate': 'Bearer' } }),
  badSignature: (detail: string) => new HttpProblem(401, 'bad-signature', detail),
  forbidden: (detail: string) => new HttpProblem(403, 'forbidden', detail),
  notFound: (detail: string) => new HttpProblem(404, 'not-found', detail),
  conflict: (detail: string, errors?: FieldError[]) => new HttpProblem(409, 'conflict', detail, { errors }),
  payloadTooLarge: (detail: string) => new HttpProblem(413, 'payload-too-large', detail),
  unsupportedMediaType: (detail: string) => new HttpProblem(415, 'unsupported-media-type', detail),
  unprocessable: (detail: string, errors?: FieldError[]) => new HttpProblem(422, 'unprocessable', detail, { errors }),
  badGateway: (detail: string) => new HttpProblem(502, 'bad-gateway', detail),
  unavailable: (detail: string) => new HttpProblem(503, 'unavailable', detail),
};

/** The slug of a problem type for Fastify's own client errors, by status. */
export function slugForStatus(status: number): string {
  const title = STATUS_CODES[status] ?? 'error';
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
