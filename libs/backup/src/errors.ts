export interface BackupErrorDetails {
  /** What the user should do about it, one line. */
  remedy?: string;
  cause?: unknown;
}

/** Every failure the engine reports: what went wrong and where, plus the remedy; secrets already masked. */
export class BackupError extends Error {
  readonly remedy?: string;

  constructor(message: string, details: BackupErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.name = 'BackupError';
    this.remedy = details.remedy;
  }
}

/** The first line of an unknown error's message, for wrapping it in a BackupError. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  return message.split('\n')[0] ?? message;
}
