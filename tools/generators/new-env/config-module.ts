import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTsFile } from 'nx/src/devkit-internals';

/** One variable as the app's config module describes it (libs/config's describeVariables() has this shape). */
export interface VariableDescription {
  name: string;
  group: string;
  description: string;
  default: string | undefined;
  devDefault: string | undefined;
  /** Environments where it must be set because it has no default there. */
  requiredIn: readonly string[];
  secret: boolean;
  example: string | undefined;
}

/** What new-env and rotate-secret need from the app: its variables, and its own loader to check a file with. */
export interface ConfigModule {
  describeVariables(): VariableDescription[];
  loadConfig(env: Record<string, string | undefined>): unknown;
}

export interface ConfigProblem {
  variable: string;
  message: string;
}

/**
 * Imports the workspace's config module: a package resolved from the workspace root (as the app imports it)
 * or a path relative to it. The generator never bundles an app's schema: each workspace names its own.
 */
export async function loadConfigModule(workspaceRoot: string, specifier: string): Promise<ConfigModule> {
  const path = resolveSpecifier(workspaceRoot, specifier);
  // A TypeScript module (an app's schema usually is) loads the way Nx loads TypeScript config files, with
  // the workspace's tsconfig: Node 20 cannot import .ts, and Nx's own hook is gone once the generator loaded.
  // JavaScript by plain path where that works: Nx runs a workspace's own plugin through require(), which
  // takes no file: URL.
  const loaded = (
    /\.[cm]?ts$/.test(path)
      ? loadTsFile(path)
      : await import(process.platform === 'win32' ? pathToFileURL(path).href : path)
  ) as Partial<ConfigModule>;
  if (typeof loaded.describeVariables !== 'function' || typeof loaded.loadConfig !== 'function') {
    throw new Error(
      `--configModule ${specifier} (${path}) does not export describeVariables() and loadConfig(env); name the module that describes the app's environment`,
    );
  }
  return loaded as ConfigModule;
}

function resolveSpecifier(workspaceRoot: string, specifier: string): string {
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    const path = isAbsolute(specifier) ? specifier : join(workspaceRoot, specifier);
    if (!existsSync(path)) throw new Error(`--configModule ${specifier}: ${path} does not exist`);
    return path;
  }
  try {
    return createRequire(join(workspaceRoot, 'package.json')).resolve(specifier);
  } catch {
    throw new Error(
      `--configModule ${specifier} cannot be resolved from ${workspaceRoot}: install it, or pass the path of the module that exports describeVariables() and loadConfig()`,
    );
  }
}

/**
 * Loads `values` with the app's own loadConfig and returns every problem it reports, except those of the
 * variables in `tolerated` (placeholders still to be filled in). A loader that throws something other than
 * a list of problems is itself reported.
 */
export function configProblems(
  module: ConfigModule,
  values: Record<string, string | undefined>,
  tolerated: ReadonlySet<string>,
): ConfigProblem[] {
  try {
    module.loadConfig(values);
    return [];
  } catch (error) {
    const problems = (error as { problems?: unknown }).problems;
    if (!Array.isArray(problems)) {
      return [{ variable: '?', message: error instanceof Error ? error.message : String(error) }];
    }
    return (problems as ConfigProblem[]).filter((problem) => !tolerated.has(problem.variable));
  }
}
