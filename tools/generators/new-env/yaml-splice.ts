import type { Node } from 'yaml';

/**
 * Edits a YAML file as text at the positions its parser reported, instead of re-serialising the document:
 * every byte outside the edit (flow sequences, folded commands, comments, quoting) stays as it was.
 * `lines` are the new item's lines, unindented; they get the indentation of the items around them.
 */
export function spliceItem(
  text: string,
  items: readonly Node[],
  lines: readonly string[],
  replace?: { index: number; withCommentAbove: boolean },
): string {
  const lineStart = (offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = (offset: number) => {
    const end = text.indexOf('\n', offset);
    return end < 0 ? text.length : end + 1;
  };
  const anchor = items[replace ? replace.index : items.length - 1]!;
  const firstLine = lineStart(anchor.range![0]);
  const indent = /^[ \t]*/.exec(text.slice(firstLine))![0];
  const block = lines.map((line) => (line === '' ? '' : `${indent}${line}`)).join('\n') + '\n';
  const end = lineEnd(anchor.range![1] - 1);
  if (!replace) return text.slice(0, end) + (end > 0 && text[end - 1] !== '\n' ? '\n' : '') + block + text.slice(end);
  let start = firstLine;
  // The comment new-env wrote above what it replaces goes with it.
  while (replace.withCommentAbove && start > 0 && text.slice(lineStart(start - 1), start).startsWith(`${indent}#`)) {
    start = lineStart(start - 1);
  }
  return text.slice(0, start) + block + text.slice(end);
}
