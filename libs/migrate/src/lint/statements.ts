import { hasSqlDetails, loadModule, parseSync, type Node } from 'libpg-query';
import { SourceText } from './positions.ts';
import { readTrivia, type Comment } from './trivia.ts';

/** One top-level statement of a section, with where it starts in the source. */
export interface LocatedStatement {
  node: Node;
  /** Byte offset of the statement's first token (comments and whitespace before it skipped). */
  offset: number;
  /** The comments between the previous statement and this one, in source order. */
  leadingComments: Comment[];
}

export type ParsedSection =
  | { ok: true; source: SourceText; statements: LocatedStatement[] }
  | { ok: false; source: SourceText; message: string; /** 0-based line in the section. */ line: number };

/** The parser is WASM: it has to be instantiated once before the synchronous calls work. */
export async function loadParser(): Promise<void> {
  await loadModule();
}

/** Parses a section with Postgres' own grammar. Call `loadParser()` first. */
export function parseSection(sql: string): ParsedSection {
  const source = new SourceText(sql);
  // libpg-query rejects an empty string outright; a section of only blank lines is simply empty.
  if (sql.trim() === '') return { ok: true, source, statements: [] };
  try {
    const { stmts = [] } = parseSync(sql);
    return { ok: true, source, statements: locateStatements(source, stmts) };
  } catch (error) {
    return { ok: false, source, ...describeParseError(source, error) };
  }
}

interface RawStatement {
  stmt?: Node;
  stmt_location?: number;
  stmt_len?: number;
}

function locateStatements(source: SourceText, raw: RawStatement[]): LocatedStatement[] {
  const located: LocatedStatement[] = [];
  // Statements are located from the end of the previous one, so the gap also yields the comments
  // directly above each statement. The first statement has no stmt_location (it means 0).
  let previousEnd = 0;
  for (const { stmt, stmt_location: location = 0, stmt_len: length } of raw) {
    const trivia = readTrivia(source.bytes, Math.min(previousEnd, location));
    if (stmt) located.push({ node: stmt, offset: Math.max(trivia.end, location), leadingComments: trivia.comments });
    // stmt_len is absent for the last statement: it runs to the end of the text.
    previousEnd = length === undefined ? source.bytes.length : location + length;
  }
  return located;
}

function describeParseError(source: SourceText, error: unknown): { message: string; line: number } {
  if (hasSqlDetails(error)) {
    // The cursor counts characters, not bytes; see SourceText.
    return { message: error.message, line: source.lineOfCodePoint(error.sqlDetails?.cursorPosition ?? 0) };
  }
  return { message: error instanceof Error ? error.message : String(error), line: 0 };
}
