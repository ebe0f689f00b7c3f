import { join } from 'node:path';

/**
 * What an image means to the simulator: the process a machine of it runs, as the image's CMD would,
 * the executables its `init.cmd` may name (the image's PATH), and the environment baked into it (which
 * the machine config's env overrides, as on Fly).
 */
export interface ImageDefinition {
  /** The default command (the image's CMD), run in `cwd`. */
  cmd: string[];
  /** Executables an `init.cmd` override may start with, e.g. `migrate` → its command line. */
  bins?: Record<string, string[]>;
  env?: Record<string, string>;
  cwd?: string;
  /** Fault: machines of this image never leave `starting` (a VM that cannot boot, an image that cannot be pulled). */
  neverStarts?: boolean;
}

export interface SourceImageOptions {
  /** The workspace root (where apps/api is). */
  workspaceRoot: string;
  /** Baked build identity: GET /version answers it. */
  version: string;
  commit?: string;
  /** Another entry point than apps/api/src/main.ts, e.g. a test's deliberately broken build. */
  entry?: string;
  /** Arguments after the entry. */
  args?: string[];
  /** Another migrations folder (the image's MIGRATIONS_DIR), e.g. one with a migration that fails. */
  migrationsDir?: string;
}

/**
 * The API image, run from source: the API (`node --import tsx apps/api/src/main.ts`) and its `migrate`
 * command (apps/api/docker/migrate.ts, the image's /usr/local/bin/migrate), with the image's baked variables.
 */
export function apiImageFromSource(options: SourceImageOptions): ImageDefinition {
  const root = options.workspaceRoot;
  const node = (entry: string, args: string[] = []) => [process.execPath, '--import', 'tsx', entry, ...args];
  return {
    cmd: node(options.entry ?? join(root, 'apps/api/src/main.ts'), options.args),
    bins: { migrate: node(join(root, 'apps/api/docker/migrate.ts')) },
    env: {
      MIGRATIONS_DIR: options.migrationsDir ?? join(root, 'apps/api/migrations'),
      APP_VERSION: options.version,
      GIT_COMMIT: options.commit ?? 'unknown',
    },
    cwd: root,
  };
}
