import { resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { scratchDir } from './scratch-dir.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');

/**
 * The environment for an nx CLI a test starts: no daemon, TUI or cloud, and a workspace data directory
 * of its own. Colours are left as a user's terminal gets them (strip them before matching), so a tool
 * that misreads coloured output fails here too. Tests run under `nx run-many`, and nested nx processes sharing the outer
 * one's SQLite database and project-graph files is a known source of lock errors (nrwl/nx#28608,
 * #28772); Nx 23 would also share them with every other clone of this repository through ~/.nx.
 */
export function nxEnv(env: Record<string, string> = {}): Record<string, string> {
  return {
    NX_DAEMON: 'false',
    NX_TUI: 'false',
    NX_NO_CLOUD: 'true',
    NX_WORKSPACE_DATA_DIRECTORY: scratchDir('nx-data-'),
    ...env,
  };
}

/** Runs `npx nx <args>` in the workspace; output without colour codes (an outer Nx forces colours). */
export async function runNx(args: string[], env: Record<string, string> = {}) {
  const result = await execa('npx', ['nx', ...args], { cwd: workspaceRoot, reject: false, all: true, env: nxEnv(env) });
  return {
    exitCode: result.exitCode,
    all: stripVTControlCharacters(result.all ?? ''),
    stdout: stripVTControlCharacters(result.stdout),
    stderr: stripVTControlCharacters(result.stderr),
  };
}
