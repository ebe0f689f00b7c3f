/** The documented exit codes of `smoke`. */
export const EXIT = {
  passed: 0,
  /** An assertion failed (including another build answering). */
  failed: 1,
  /** The target could not be reached: DNS, refused, TLS handshake, timeout. */
  unreachable: 2,
  /** The smoke file or an option is invalid; nothing was sent. */
  invalid: 64,
} as const;

export interface SmokeErrorDetails {
  /** The file and 1-based line the problem is on, when it is in a file. */
  file?: string;
  line?: number;
  remedy?: string;
}

/** Invalid input (exit 64): always found before the first request is sent. */
export class SmokeInputError extends Error {
  override name = 'SmokeInputError';
  readonly file?: string;
  readonly line?: number;
  readonly remedy?: string;

  constructor(message: string, details: SmokeErrorDetails = {}) {
    super(message);
    this.file = details.file;
    this.line = details.line;
    this.remedy = details.remedy;
  }

  /** `file:line: message`, the form editors and CI annotate. */
  get where(): string {
    if (!this.file) return this.message;
    return `${this.file}${this.line ? `:${this.line}` : ''}: ${this.message}`;
  }
}

/** Several problems of one file, all reported at once. */
export class SmokeInputErrors extends SmokeInputError {
  override name = 'SmokeInputErrors';
  constructor(readonly problems: SmokeInputError[]) {
    super(problems.map((p) => p.where).join('\n'), { remedy: problems[0]?.remedy });
  }
  override get where(): string {
    return this.message;
  }
}
