import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { SmokeInputError, SmokeInputErrors } from '../errors.ts';
import { Positions } from './positions.ts';
import { smokeFileSchema, type SmokeFile } from './schema.ts';

export interface LoadedFile {
  /** As shown in messages: relative to the working directory. */
  path: string;
  content: SmokeFile;
  positions: Positions;
}

const REMEDY = 'fix the smoke file; its JSON Schema (smoke-file.schema.json in @shopops/smoke) lists every key';

/** Reads and validates a smoke file (YAML, or JSON, which is YAML too); every problem with its line. */
export function loadSmokeFile(path: string): LoadedFile {
  const fromHere = relative(process.cwd(), path);
  const shown = fromHere && !fromHere.startsWith('..') ? fromHere : path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SmokeInputError(`cannot read smoke file ${shown}: ${(error as NodeJS.ErrnoException).code ?? error}`, {
      remedy: 'pass --file <smoke.yaml>, or run where smoke.yaml or smoke.json is',
    });
  }
  return parseSmokeFile(text, shown);
}

export function parseSmokeFile(text: string, shown: string): LoadedFile {
  const lines = Positions.lineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new SmokeInputErrors(
      document.errors.map(
        (error) =>
          new SmokeInputError(error.message.split('\n')[0]!, {
            file: shown,
            line: lines.linePos(error.pos[0]).line,
            remedy: 'fix the YAML syntax',
          }),
      ),
    );
  }
  const positions = new Positions(document, lines);
  const result = smokeFileSchema.safeParse(document.toJS() ?? {});
  if (!result.success) {
    throw new SmokeInputErrors(result.error.issues.map((issue) => issueError(issue, shown, positions)));
  }
  return { path: shown, content: result.data, positions };
}

function issueError(issue: z.core.$ZodIssue, file: string, positions: Positions): SmokeInputError {
  const path = issue.path as (string | number)[];
  const at = path.length ? `${formatPath(path)}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    return new SmokeInputError(
      `${at}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      {
        file,
        line: positions.lineOfKey(path, key),
        remedy: REMEDY,
      },
    );
  }
  return new SmokeInputError(`${at}${issue.message}`, { file, line: positions.lineOf(path), remedy: REMEDY });
}

/** checks[2].assert.json → how a person finds it in the file. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
