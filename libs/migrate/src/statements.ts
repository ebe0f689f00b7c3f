import { parse, type Node } from 'libpg-query';
import { MigrateError } from './errors.ts';
import type { MigrationSection } from './types.ts';

export interface Statement {
  sql: string;
  /** 1-based line in the file where the statement starts. */
  line: number;
  /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT…: would break the engine's own transaction around the file. */
  controlsTransaction: boolean;
  /** The parse tree, for deciding how the file must run (see transaction-needs.ts). */
  node: Node;
}

/**
 * Splits a section into its statements with Postgres's own parser. Sent together, they would
 * form one implicit transaction, in which CREATE INDEX CONCURRENTLY refuses to run.
 */
export async function splitStatements(section: MigrationSection, file: string): Promise<Statement[]> {
  if (section.sql.trim() === '') return [];
  // Statement locations are byte offsets into the UTF-8 text; a syntax error's cursor counts characters.
  const bytes = Buffer.from(section.sql, 'utf8');
  const lineAt = (offset: number) => section.startLine + countNewlines(bytes.subarray(0, offset).toString('utf8'));
  const lineAtCharacter = (offset: number) =>
    section.startLine + countNewlines([...section.sql].slice(0, offset).join(''));
  let stmts;
  try {
    ({ stmts = [] } = await parse(section.sql));
  } catch (error) {
    const { message, sqlDetails } = error as { message: string; sqlDetails?: { cursorPosition: number } };
    throw new MigrateError(message, {
      file,
      line: lineAtCharacter(sqlDetails?.cursorPosition ?? 0),
      remedy: 'fix the SQL at this line',
      cause: error,
    });
  }
  return stmts.map(({ stmt, stmt_location: start = 0, stmt_len: length }) => ({
    sql: bytes.subarray(start, length ? start + length : bytes.length).toString('utf8'),
    line: lineAt(start),
    controlsTransaction: 'TransactionStmt' in (stmt ?? {}),
    node: stmt ?? ({} as Node),
  }));
}

export function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count++;
  return count;
}
