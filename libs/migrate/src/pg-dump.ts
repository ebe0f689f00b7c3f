import { execa } from 'execa';
import { MigrateError } from './errors.ts';
import { maskSecrets, parseDatabaseUrl } from './url.ts';

/** `pg_dump --schema-only` of the database; the password goes through the environment, not the command line. */
export async function pgDumpSchema(url: string): Promise<string> {
  const withoutPassword = parseDatabaseUrl(url);
  const password = decodeURIComponent(withoutPassword.password);
  withoutPassword.password = '';
  const result = await execa(
    'pg_dump',
    ['--schema-only', '--no-owner', '--no-privileges', '--dbname', withoutPassword.href],
    {
      env: { PGPASSWORD: password, PGAPPNAME: 'migrate' },
      reject: false,
    },
  );
  if ((result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new MigrateError('pg_dump not found on PATH', {
      remedy: "install the PostgreSQL client tools (the server's major version or newer)",
    });
  }
  if (result.exitCode !== 0) {
    const stderr = maskSecrets(result.stderr.trim(), url);
    throw new MigrateError(`pg_dump failed: ${stderr.split('\n')[0] || `exit code ${result.exitCode}`}`, {
      remedy: /version mismatch/.test(stderr)
        ? "install a pg_dump of the server's major version or newer and put it first on PATH"
        : 'check the URL and that the user may read the schema',
    });
  }
  return result.stdout;
}
