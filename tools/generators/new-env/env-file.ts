import { parseEnv } from 'node:util';
import type { EnvEntry } from './env-values.ts';

/** Quoted only when needed, in the dialect Node's parseEnv, dotenv and Compose's env_file read alike. */
export function envLineValue(value: string): string {
  if (/^[A-Za-z0-9_./:@,=+*%-]*$/.test(value)) return value;
  if (!value.includes("'") && !value.includes('\n')) return `'${value}'`;
  return JSON.stringify(value);
}

export const PLACEHOLDER_MARK = 'FILL IN';

const SOURCE_NOTES: Partial<Record<EnvEntry['source'], string>> = {
  profile: 'profile',
  generated: 'generated',
  platform: 'from the platform file',
  derived: "the storefront's origin",
};

export interface EnvFileHeader {
  path: string;
  environment: string;
  profile: string;
  configModule: string;
  secretsScript: string | undefined;
}

/**
 * The environment file: each variable with its description, where its value came from, and the placeholders
 * marked where they are and listed again at the end. Placeholders are empty, never a dummy value a typo
 * could leave in production: empty is unset to the loader, which refuses to start without a required one.
 */
export function renderEnvFile(entries: readonly EnvEntry[], header: EnvFileHeader): string {
  const lines = [
    `# ${header.path}: the ${header.environment} environment (profile ${header.profile}), written by`,
    `# \`nx g @shopops/ops:new-env ${header.environment}\` from ${header.configModule}.`,
    '# It holds secrets: never commit it (.gitignore lists it).' +
      (header.secretsScript ? ` Publish them with ./${header.secretsScript}.` : ''),
    `# Lines marked "${PLACEHOLDER_MARK}" are still empty; the list at the end says which.`,
  ];
  let group: string | undefined;
  for (const entry of entries) {
    const v = entry.variable;
    if (v.group !== group) {
      group = v.group;
      lines.push('', `# ---- ${group} ----`);
    }
    lines.push('', ...wrap(v.description, 98).map((line) => `# ${line}`));
    const notes: string[] = [];
    if (entry.placeholder) {
      const form = v.example && !v.secret ? `, e.g. ${v.example}` : '';
      notes.push(
        `${PLACEHOLDER_MARK}: ${entry.placeholder === 'required' ? `required in ${header.profile}` : 'optional'}${v.secret ? ', secret' : ''}${form}`,
      );
    } else {
      // A kept value is noted as it began (generated, the profile's), so a second run renders the same file.
      const unchanged = entry.source === 'kept' && (entry.rule === 'generated' || entry.value === entry.ruleValue);
      const source = unchanged ? entry.rule : entry.source;
      const note = source === 'generated' ? `generated: ${entry.bytes} random bytes` : SOURCE_NOTES[source];
      if (note) notes.push(note);
      if (v.secret) notes.push('secret');
      if (source === 'unset')
        notes.push(v.name.endsWith('_PREVIOUS') ? 'empty until rotate-secret sets it' : 'optional, unset');
    }
    if (notes.length > 0) lines.push(`# (${notes.join('; ')})`);
    lines.push(`${v.name}=${envLineValue(entry.value)}`);
  }
  const required = entries.filter((entry) => entry.placeholder === 'required').map((entry) => entry.variable.name);
  const optional = entries.filter((entry) => entry.placeholder === 'optional').map((entry) => entry.variable.name);
  lines.push('', `# ---- ${PLACEHOLDER_MARK} ----`);
  lines.push(`# Required before the app starts in ${header.profile}: ${required.join(', ') || 'none'}`);
  lines.push(`# Optional (each switches something on): ${optional.join(', ') || 'none'}`);
  return lines.join('\n') + '\n';
}

export function readEnvFile(text: string): Record<string, string> {
  return parseEnv(text) as Record<string, string>;
}

/**
 * Sets variables in an environment file's text, keeping every other line (comments, order): a line
 * `NAME=` is replaced in place; a variable without one is added after `after` (or at the end).
 */
export function setEnvValues(text: string, values: Readonly<Record<string, string>>, after?: string): string {
  const lines = text.split('\n');
  const pending = new Map(Object.entries(values));
  for (let index = 0; index < lines.length; index++) {
    const name = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(lines[index]!)?.[1];
    if (name === undefined || !pending.has(name)) continue;
    lines[index] = `${name}=${envLineValue(pending.get(name)!)}`;
    pending.delete(name);
  }
  if (pending.size > 0) {
    const added = [...pending].map(([name, value]) => `${name}=${envLineValue(value)}`);
    const anchor = after ? lines.findIndex((line) => line.startsWith(`${after}=`)) : -1;
    if (anchor >= 0) lines.splice(anchor + 1, 0, ...added);
    else lines.splice(lines.at(-1) === '' ? lines.length - 1 : lines.length, 0, ...added);
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
