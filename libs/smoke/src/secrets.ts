import { maskSecrets } from '@shopops/postgres';

const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key)$|token|secret|password|api-key/i;
const SECRET_VARIABLE = /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION/i;

/**
 * The secret values of one run (credential headers, secret-looking environment variables a check
 * uses, captures marked secret), replaced by *** in every line, report and document it writes,
 * together with every URL password (libs/postgres).
 */
export class Secrets {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (value && value.length >= 4) {
      this.values.add(value);
      // `Bearer <token>` also appears without its scheme, and the other way round.
      const bare = /^(bearer|basic|token)\s+(.+)$/i.exec(value)?.[2];
      if (bare && bare.length >= 4) this.values.add(bare);
    }
  }

  addHeaders(headers: Record<string, string>): void {
    for (const [name, value] of Object.entries(headers)) if (SECRET_HEADER.test(name)) this.add(value);
  }

  addEnvironment(env: NodeJS.ProcessEnv, names: Iterable<string>): void {
    for (const name of names) if (SECRET_VARIABLE.test(name)) this.add(env[name]);
  }

  mask(text: string): string {
    // Longest first, so a secret that contains another is masked whole.
    return maskSecrets(
      text,
      [...this.values].sort((a, b) => b.length - a.length),
    );
  }

  /** The same masking over every string of a JSON-shaped value. */
  maskDeep<T>(value: T): T {
    return JSON.parse(this.mask(JSON.stringify(value))) as T;
  }
}

/** Header values a report shows: a credential header's value never. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}
