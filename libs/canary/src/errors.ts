import { UsageError } from '@shopops/cli';

/** The documented exit codes of `fly-canary`. */
export const EXIT = {
  /** Released: every machine runs the new image. */
  released: 0,
  /** The release failed and was rolled back (or could not finish): the old version serves. */
  failed: 1,
  /** An option or the input is invalid; nothing was changed. */
  invalid: 2,
  /** Another deploy holds a lease on one of the app's machines; nothing was changed. */
  leaseHeld: 3,
} as const;

/** Invalid input (exit 2, a usage error of the engines' convention): always found before anything changes. */
export class CanaryInputError extends UsageError {
  override name = 'CanaryInputError';
}

/** A failure at run time, with what to do about it. */
export class CanaryError extends Error {
  override name = 'CanaryError';
  constructor(
    message: string,
    readonly remedy?: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}
