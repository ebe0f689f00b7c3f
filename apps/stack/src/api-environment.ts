import { variableMeta } from '@shopops/config';
import { devApiEnvironment } from '@shopops/local-servers';
import type { StackSettings } from './settings.ts';

/**
 * The API's environment under `npm start`: the local servers, then libs/config's dev defaults for the
 * secrets a developer uses by hand (the JWT_SECRET that `nx run api:admin-token` signs with, the sandbox
 * webhook secret), so a token or sandbox link made for the stack works, also after the next start.
 * Anything already in the environment wins, as it does for admin-token in the same shell.
 */
export function stackApiEnvironment(
  databaseUrl: string,
  s3: { endpoint: string; accessKeyId: string; secretAccessKey: string },
  settings: Pick<StackSettings, 'apiPort' | 'webPort'>,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  const webUrl = `http://127.0.0.1:${settings.webPort}`;
  return {
    ...devApiEnvironment({ databaseUrl, s3, apiUrl: `http://127.0.0.1:${settings.apiPort}`, webUrl }),
    LOG_LEVEL: 'warn',
    CORS_ORIGINS: `${webUrl},http://localhost:${settings.webPort}`,
    JWT_SECRET: variableMeta('JWT_SECRET').devDefault,
    PAYMENT_SANDBOX_SECRET: variableMeta('PAYMENT_SANDBOX_SECRET').devDefault,
    ...env,
    DATABASE_URL: databaseUrl,
  };
}
