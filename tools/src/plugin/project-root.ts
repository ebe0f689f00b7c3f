import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface DeclaredProject {
  root: string;
  /** As Nx names it: project.json's name, else package.json's, else the folder. */
  name: string;
}

/**
 * The project a file belongs to: `depth` folders above it (a migration is in <project>/migrations/, a
 * Dockerfile in <project>/), provided a project is declared there. A stray Dockerfile in a folder that
 * is no project infers nothing.
 */
export function declaredProject(file: string, workspaceRoot: string, depth: 1 | 2): DeclaredProject | undefined {
  const root = depth === 2 ? dirname(dirname(file)) : dirname(file);
  const names = ['project.json', 'package.json']
    .map((manifest) => join(workspaceRoot, root, manifest))
    .filter((path) => existsSync(path))
    .map((path) => nameIn(path));
  if (!names.length) return undefined;
  return { root, name: names.find(Boolean) ?? basename(root) };
}

function nameIn(manifestPath: string): string | undefined {
  try {
    const { name } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: unknown };
    return typeof name === 'string' && name ? name : undefined;
  } catch {
    return undefined;
  }
}
