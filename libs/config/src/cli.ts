import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderEnvExample } from './env-example.ts';

export const ENV_EXAMPLE_USAGE = `env-example <file> [--check]

  Writes the API's .env.example, generated from the config schema, to <file>.
  --check   write nothing; exit 1 when <file> differs from what would be written`;

/** Returns the exit code. */
export function runEnvExampleCli(argv: string[], log: (line: string) => void = console.error): number {
  const check = argv.includes('--check');
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 1 || argv.some((a) => a.startsWith('--') && a !== '--check')) {
    log(ENV_EXAMPLE_USAGE);
    return 2;
  }
  const file = resolve(files[0]!);
  const expected = renderEnvExample();
  if (check) {
    if (readIfExists(file) === expected) return 0;
    log(`${file} is stale: it differs from the config schema. Run: npx nx run api:env-example`);
    return 1;
  }
  // Written beside and renamed, so a reader never sees half a file.
  writeFileSync(`${file}.tmp`, expected);
  renameSync(`${file}.tmp`, file);
  log(`wrote ${file}`);
  return 0;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
