/**
 * `npx tsx deploy/src/deploy-docs.ts --write` regenerates the secrets block of docs/DEPLOY.md from the
 * config schema (libs/config) and fly.toml's app; `--check` exits 1 when the block is stale.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFlyConfig } from './deploy-file.ts';
import { REGENERATE, renderSecretsBlock, withSecretsBlock } from './secrets-block.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `usage: deploy-docs --write | --check

Regenerates (--write) or checks (--check) the secrets block of docs/DEPLOY.md, generated from the API's
config schema (libs/config) and the app name in fly.toml. Exit 0 ok, 1 stale, 2 usage.
`;

export const workspaceRoot = resolve(import.meta.dirname, '../..');
export const deployDoc = resolve(workspaceRoot, 'docs/DEPLOY.md');

/** docs/DEPLOY.md as it should be: the current document with a freshly generated block. */
export function expectedDeployDoc(): { current: string; expected: string } {
  const current = readFileSync(deployDoc, 'utf8');
  const app = readFlyConfig(resolve(workspaceRoot, 'fly.toml')).app;
  return { current, expected: withSecretsBlock(current, renderSecretsBlock(app)) };
}

export function main(argv: string[], io: Io): number {
  if (argv.includes('--help')) {
    io.stdout(USAGE);
    return 0;
  }
  const mode = argv.length === 1 && (argv[0] === '--write' || argv[0] === '--check') ? argv[0] : undefined;
  if (!mode) {
    io.stderr(`deploy-docs: expected --write or --check\n  remedy: ${REGENERATE}\n`);
    return 2;
  }
  try {
    const { current, expected } = expectedDeployDoc();
    if (mode === '--check') {
      if (current === expected) return 0;
      io.stderr(`deploy-docs: docs/DEPLOY.md's secrets block is stale\n  remedy: ${REGENERATE}\n`);
      return 1;
    }
    if (current !== expected) {
      const temporary = `${deployDoc}.${process.pid}.tmp`;
      writeFileSync(temporary, expected);
      renameSync(temporary, deployDoc);
    }
    io.stdout(`deploy-docs: docs/DEPLOY.md ${current === expected ? 'already up to date' : 'updated'}\n`);
    return 0;
  } catch (error) {
    io.stderr(`deploy-docs: ${(error as Error).message}\n  remedy: fix the file named above, then ${REGENERATE}\n`);
    if (process.env.DEBUG === '1') io.stderr(`${(error as Error).stack}\n`);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
