export interface MigrateErrorDetails {
  /** The migration file (or other file) the error is about. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** What the user should do about it, one line. */
  remedy?: string;
  /** SQLSTATE when the error came from Postgres. */
  sqlState?: string;
  cause?: unknown;
}

/** Every failure the engine reports: says what, where (file and line when known) and the remedy. */
export class MigrateError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly remedy?: string;
  readonly sqlState?: string;

  constructor(message: string, details: MigrateErrorDetails = {}) {
    super(withLocation(message, details), { cause: details.cause });
    this.name = 'MigrateError';
    this.file = details.file;
    this.line = details.line;
    this.remedy = details.remedy;
    this.sqlState = details.sqlState;
  }
}

function withLocation(message: string, { file, line }: MigrateErrorDetails): string {
  if (!file) return message;
  return `${file}${line ? `:${line}` : ''}: ${message}`;
}
