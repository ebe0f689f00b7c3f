/** A mistake on the command line: exit code 2, and the remedy points at --help unless it says better. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly remedy?: string,
  ) {
    super(message);
  }
}
