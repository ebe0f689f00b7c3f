import { MigrateError } from './errors.ts';
import { countNewlines } from './statements.ts';

interface PostgresErrorFields {
  code?: string;
  message?: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
}

/** Where the failing SQL was sent from, so the server's position maps back to a line of the file. */
export interface SqlOrigin {
  file: string;
  sql: string;
  startLine: number;
}

export function isLockTimeout(error: unknown): boolean {
  const { code, sqlState } = error as PostgresErrorFields & { sqlState?: string };
  return (sqlState ?? code) === '55P03';
}

/** Turns an error from Postgres into one naming the file and line, the server's message and SQLSTATE, and a remedy. */
export function postgresErrorAt(
  error: unknown,
  origin: SqlOrigin,
  extra: { note?: string; remedy?: string } = {},
): MigrateError {
  if (error instanceof MigrateError) return error;
  const { code, message, position, detail, hint, where } = error as PostgresErrorFields;
  const text = [message ?? String(error), detail, where && `context: ${where}`].filter(Boolean).join('; ');
  return new MigrateError(`${text}${code ? ` (SQLSTATE ${code})` : ''}${extra.note ?? ''}`, {
    file: origin.file,
    line: position ? lineOfPosition(origin, Number(position)) : origin.startLine,
    sqlState: code,
    remedy: [hint, extra.remedy ?? remedyFor(code)].filter(Boolean).join('; '),
    cause: error,
  });
}

// The server's position is a 1-based index in characters (code points), not UTF-16 units.
function lineOfPosition({ sql, startLine }: SqlOrigin, position: number): number {
  return (
    startLine +
    countNewlines(
      Array.from(sql)
        .slice(0, position - 1)
        .join(''),
    )
  );
}

function remedyFor(code: string | undefined): string {
  if (code === '55P03') {
    return 'another session held a lock this migration needs on every attempt; run again when the table is quieter, or raise --statement-lock-timeout / --lock-retries';
  }
  if (code?.startsWith('23'))
    return 'existing data violates the change: fix the data in an earlier migration first, then run again';
  return 'fix the migration at this line and run again';
}
