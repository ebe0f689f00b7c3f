/**
 * Reads the "trivia" between two statements: whitespace, the `;` that ended the previous statement,
 * and comments. The AST has no comments, so `-- lint:ignore` directives and the first real token
 * of a statement are found here. This never sees the inside of a statement (string literals,
 * dollar quotes): it only runs over the gap the parser reports between statements, which can
 * hold nothing else.
 */
export interface Comment {
  /** Byte offsets into the section's UTF-8 text. */
  start: number;
  end: number;
  text: string;
}

export interface Trivia {
  comments: Comment[];
  /** Byte offset of the first byte that is not trivia: the statement's first token. */
  end: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SEMICOLON = 0x3b;
const DASH = 0x2d;
const SLASH = 0x2f;
const STAR = 0x2a;

export function readTrivia(bytes: Buffer, from: number): Trivia {
  const comments: Comment[] = [];
  let at = from;
  while (at < bytes.length) {
    const byte = bytes[at]!;
    if (isSpace(byte) || byte === SEMICOLON) {
      at++;
      continue;
    }
    const end = commentEnd(bytes, at);
    if (end === undefined) break;
    comments.push({ start: at, end, text: bytes.subarray(at, end).toString('utf8') });
    at = end;
  }
  return { comments, end: at };
}

/** End of the comment starting at `at`, or undefined when no comment starts there. */
function commentEnd(bytes: Buffer, at: number): number | undefined {
  if (bytes[at] === DASH && bytes[at + 1] === DASH) return lineCommentEnd(bytes, at);
  if (bytes[at] === SLASH && bytes[at + 1] === STAR) return blockCommentEnd(bytes, at);
  return undefined;
}

function lineCommentEnd(bytes: Buffer, at: number): number {
  let end = at + 2;
  while (end < bytes.length && bytes[end] !== NEWLINE && bytes[end] !== CARRIAGE_RETURN) end++;
  return end;
}

/** Postgres block comments nest, unlike C's: `/* a /* b *\/ c *\/` is one comment. */
function blockCommentEnd(bytes: Buffer, at: number): number {
  let depth = 0;
  let end = at;
  while (end < bytes.length) {
    if (bytes[end] === SLASH && bytes[end + 1] === STAR) {
      depth++;
      end += 2;
    } else if (bytes[end] === STAR && bytes[end + 1] === SLASH) {
      depth--;
      end += 2;
      if (depth === 0) return end;
    } else {
      end++;
    }
  }
  return end;
}

/** The whitespace Postgres' scanner skips: space, tab, newline, carriage return, form feed, vertical tab. */
function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}
