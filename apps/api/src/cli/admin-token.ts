/**
 * Prints an admin JWT for this environment's JWT_SECRET (the dev default when unset), for curl and the
 * storefront's admin pages:  npx tsx apps/api/src/cli/admin-token.ts [--sub alice] [--expires 12h]
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '@shopops/config';
import { signAdminToken } from '../auth.ts';

const { values } = parseArgs({
  options: { sub: { type: 'string', default: 'admin' }, expires: { type: 'string', default: '12h' } },
});
try {
  const config = loadConfig(process.env);
  console.log(await signAdminToken(config.jwtSecret, { sub: values.sub, expiresIn: values.expires }));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `admin-token: ${(error as Error).message}`);
  process.exitCode = 1;
}
