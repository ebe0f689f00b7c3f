/**
 * .dockerignore semantics as moby's patternmatcher applies them: patterns are cleaned paths
 * relative to the context (a leading / is dropped), `*` and `?` stay inside one path segment,
 * `**` spans segments, `!` re-includes, the last matching pattern wins, and a pattern that
 * matches a parent folder excludes everything below it.
 */
interface Rule {
  pattern: string;
  exclusion: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    const pattern = cleanPath(line);
    if (!pattern) continue;
    rules.push({ pattern, exclusion, regex: globToRegex(pattern) });
  }
  return rules;
}

/** Whether the engine leaves `path` (relative to the context, `/`-separated) out of the build context. */
export function isIgnored(rules: Rule[], path: string): boolean {
  const segments = cleanPath(path).split('/');
  let ignored = false;
  for (const rule of rules) {
    // The path itself or any of its parent folders.
    const matches = segments.some((_, i) => rule.regex.test(segments.slice(0, i + 1).join('/')));
    if (matches) ignored = !rule.exclusion;
  }
  return ignored;
}

function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function globToRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        // `**/` also matches zero folders.
        if (pattern[i + 1] === '/') {
          i++;
          source += '(?:.*/)?';
        } else source += '.*';
      } else source += '[^/]*';
    } else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (char === '\\' && i + 1 < pattern.length) source += escapeRegex(pattern[++i]!);
    else source += escapeRegex(char);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegex(char: string): string {
  return /[.*?+^${}()|[\]\\]/.test(char) ? `\\${char}` : char;
}
