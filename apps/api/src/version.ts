import { readFileSync } from 'node:fs';
import type { Config } from '@shopops/config';

export interface VersionInfo {
  version: string;
  commit: string;
  buildTime: string;
}

const packageVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** What GET /version shows: the build's values from the environment, else the package version and "unknown". */
export function versionInfo(build: Config['build']): VersionInfo {
  return { version: build.version ?? packageVersion, commit: build.commit, buildTime: build.buildTime ?? 'unknown' };
}
