const MAX_ERROR_LINES = 8;
const MAX_LINE_LENGTH = 400;

/**
 * What a failed PostgreSQL tool said, for one message: every line naming an ERROR (bounded), since the
 * cause is often several lines above the tool's last words; else its last two lines.
 */
export function summarizeStderr(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const errors = lines.filter((line) => /\bERROR:|\berror:/.test(line));
  const picked = errors.length > 0 ? errors : lines.slice(-2);
  const shown = picked.slice(0, MAX_ERROR_LINES).map((line) => clip(line.trim()));
  const more = picked.length - shown.length;
  return [...shown, ...(more > 0 ? [`(${more} more)`] : [])].join(' / ');
}

function clip(line: string): string {
  return line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}…` : line;
}
