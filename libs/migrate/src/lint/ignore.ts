import type { SourceText } from './positions.ts';
import type { Comment } from './trivia.ts';

/**
 * Per-statement opt-out: a comment `-- lint:ignore MIG007` (several codes separated by spaces or
 * commas, optionally followed by a reason) on the line(s) directly above a statement silences
 * those codes for that statement only. "Directly above" means an unbroken run of comment lines
 * ending on the line before the statement (or on its own line, `/* lint:ignore MIG007 *\/ CREATE …`);
 * a blank line, or a comment trailing the previous statement on its line, ends the run, so a
 * directive never leaks onto a statement it was not written for.
 */
export function ignoredCodes(source: SourceText, comments: Comment[], statementOffset: number): Set<string> {
  const codes = new Set<string>();
  for (const comment of commentsDirectlyAbove(source, comments, statementOffset)) {
    for (const code of directiveCodes(comment.text)) codes.add(code);
  }
  return codes;
}

function commentsDirectlyAbove(source: SourceText, comments: Comment[], statementOffset: number): Comment[] {
  const adjacent: Comment[] = [];
  let nextLine = source.lineOfByte(statementOffset);
  for (const comment of [...comments].reverse()) {
    if (source.lineOfByte(comment.end - 1) < nextLine - 1) break;
    if (!startsItsLine(source.bytes, comment.start)) break;
    adjacent.push(comment);
    nextLine = source.lineOfByte(comment.start);
  }
  return adjacent;
}

/** True when only whitespace precedes the comment on its line. */
function startsItsLine(bytes: Buffer, offset: number): boolean {
  for (let at = offset - 1; at >= 0 && bytes[at] !== 0x0a; at--) {
    if (bytes[at] !== 0x20 && bytes[at] !== 0x09 && bytes[at] !== 0x0d) return false;
  }
  return true;
}

const DIRECTIVE = 'lint:ignore';
const CODE = /^MIG\d{3}$/;

/** Codes listed after `lint:ignore`, up to the first word that is not a code (the reason). */
function directiveCodes(comment: string): string[] {
  const at = comment.indexOf(DIRECTIVE);
  if (at === -1) return [];
  const words = comment
    .slice(at + DIRECTIVE.length)
    .replace(/\*\/\s*$/, '')
    .split(/[\s,]+/)
    .filter(Boolean);
  const codes: string[] = [];
  for (const word of words) {
    if (!CODE.test(word.toUpperCase())) break;
    codes.push(word.toUpperCase());
  }
  return codes;
}
