import { readFileSync } from 'node:fs';
import { SmokeInputError } from './errors.ts';

export interface ExpectedBuild {
  version?: string;
  commit?: string;
  /** The image.json it came from, for messages. */
  image?: string;
}

/** The build a run expects to answer: the flags, or the version and revision labels of an image.json. */
export function expectedBuild(options: {
  expectVersion?: string;
  expectCommit?: string;
  expectImage?: string;
}): ExpectedBuild {
  const fromImage = options.expectImage ? imageBuild(options.expectImage) : {};
  return {
    ...fromImage,
    ...(options.expectVersion ? { version: options.expectVersion } : {}),
    ...(options.expectCommit ? { commit: options.expectCommit } : {}),
  };
}

interface ImageRecordLabels {
  image?: string;
  labels?: Record<string, string>;
}

function imageBuild(path: string): ExpectedBuild {
  let record: ImageRecordLabels;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as ImageRecordLabels;
  } catch (error) {
    throw new SmokeInputError(
      `--expect-image ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        remedy:
          'give the image.json docker-build wrote (dist/<project>/image.json), or --expect-version/--expect-commit',
      },
    );
  }
  const version = record.labels?.['org.opencontainers.image.version'];
  const commit = record.labels?.['org.opencontainers.image.revision'];
  if (!version && !commit)
    throw new SmokeInputError(`--expect-image ${path}: no org.opencontainers.image.version or .revision label`, {
      remedy: 'rebuild the image with nx run <project>:docker-build, which records both',
    });
  return { version, commit, image: record.image ?? path };
}

/** Commits match when one is a prefix of the other (a short and a full SHA), at least 7 characters. */
export function sameCommit(expected: string, answered: string): boolean {
  const [a, b] = [expected.toLowerCase(), answered.toLowerCase()];
  if (a === b) return true;
  return Math.min(a.length, b.length) >= 7 && (a.startsWith(b) || b.startsWith(a));
}
