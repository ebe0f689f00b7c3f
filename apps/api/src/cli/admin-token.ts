/**
 * Prints an admin JWT for this environment's JWT_SECRET (the dev default when unset: the same one the local
 * stack, `npm start`, runs the API with), for curl and the storefront's admin pages:
 *   npx nx run api:admin-token -- [--sub alice] [--expires 12h]
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EXIT, processIo, runWithConvention, UsageError, type CliIo } from '@shopops/cli';
import { ConfigError, loadConfig } from '@shopops/config';
import { signAdminToken, tokenLifetimeSeconds } from '../auth.ts';

export const ADMIN_TOKEN_USAGE = `Usage: admin-token [--sub <id>] [--expires <duration>] [--json]

Prints an admin token (HS256 JWT) signed with this environment's JWT_SECRET, with the iss and aud the API
checks (JWT_ISSUER, JWT_AUDIENCE). ENV, JWT_SECRET and the rest come from the environment; unset, the dev
defaults apply, which the local stack (npm start) uses too.

Options:
  --sub <id>            the admin's id, logged with every request (default: admin)
  --expires <duration>  lifetime, e.g. 30m, 12h (default: 12h); at most ADMIN_TOKEN_MAX_LIFETIME (default 24h)
  --json                print {"token", "expiresAt"} instead of the bare token
  --help                this text`;

class AdminTokenError extends Error {
  constructor(
    message: string,
    readonly remedy: string,
  ) {
    super(message);
  }
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const convention = { tool: 'admin-token', prefix: () => 'admin-token', mask: (text: string) => text };
  return runWithConvention(convention, io, async () => {
    const values = parseCommandLine(argv);
    if (values.help) {
      io.stdout.write(`${ADMIN_TOKEN_USAGE}\n`);
      return EXIT.ok;
    }
    let config;
    try {
      config = loadConfig(io.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new AdminTokenError(error.message, 'fix the variables listed above in the environment');
    }
    const { jwtSecret, issuer, audience, maxTokenLifetimeMs } = config.auth;
    const token = await signAdminToken(jwtSecret, {
      sub: values.sub,
      expiresIn: values.expires,
      issuer,
      audience,
    }).catch(() => {
      throw new UsageError(`--expires ${values.expires}: expected a duration such as 30m or 12h`);
    });
    const lifetime = tokenLifetimeSeconds(token)!;
    if (lifetime <= 0) throw new UsageError(`--expires ${values.expires} is not a lifetime in the future`);
    if (lifetime * 1000 > maxTokenLifetimeMs) {
      throw new UsageError(
        `--expires ${values.expires} is longer than ADMIN_TOKEN_MAX_LIFETIME (${maxTokenLifetimeMs / 1000} s): the API would refuse the token`,
        'ask for a shorter --expires, or raise ADMIN_TOKEN_MAX_LIFETIME where the API runs',
      );
    }
    const expiresAt = new Date(Date.now() + lifetime * 1000).toISOString();
    io.stdout.write(values.json ? `${JSON.stringify({ token, expiresAt })}\n` : `${token}\n`);
    return EXIT.ok;
  });
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: {
        sub: { type: 'string', default: 'admin' },
        expires: { type: 'string', default: '12h' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
