import type pg from 'pg';
import { describeError } from './errors.ts';

// Settings whose value is a list: pg_dump writes them unquoted, so each element stays an element.
const LIST_SETTINGS = new Set([
  'search_path',
  'temp_tablespaces',
  'local_preload_libraries',
  'session_preload_libraries',
  'shared_preload_libraries',
]);

/**
 * Gives the restored copy what belongs to the database rather than to its contents, which pg_restore
 * does not carry: the owner, `ALTER DATABASE … SET` settings and database privileges (CONNECT above
 * all: without it the app could not log in after the swap). Returns what could not be copied.
 */
export async function copyDatabaseAttributes(client: pg.ClientBase, from: string, to: string): Promise<string[]> {
  const target = client.escapeIdentifier(to);
  const problems: string[] = [];
  const attempt = async (what: string, sql: string) => {
    await client.query(sql).catch((error: unknown) => problems.push(`${what}: ${describeError(error)}`));
  };
  const { rows } = await client.query<{ owner: string; has_acl: boolean }>(
    'select pg_get_userbyid(datdba) as owner, datacl is not null as has_acl from pg_database where datname = $1',
    [from],
  );
  const source = rows[0];
  if (!source) return [`${from} has vanished`];
  await attempt(`owner ${source.owner}`, `alter database ${target} owner to ${client.escapeIdentifier(source.owner)}`);
  for (const setting of await settingsOf(client, from)) {
    const [name, ...rest] = setting.split('=');
    const value = rest.join('=');
    const literal = LIST_SETTINGS.has(name!) ? value : client.escapeLiteral(value);
    await attempt(`setting ${name}`, `alter database ${target} set ${client.escapeIdentifier(name!)} to ${literal}`);
  }
  if (source.has_acl) {
    await attempt('privileges', `revoke all on database ${target} from public`);
    for (const grant of await grantsOf(client, from)) {
      const grantee = grant.grantee === 'public' ? 'public' : client.escapeIdentifier(grant.grantee);
      const option = grant.grantable ? ' with grant option' : '';
      await attempt(
        `privilege ${grant.privilege} for ${grant.grantee}`,
        `grant ${grant.privilege} on database ${target} to ${grantee}${option}`,
      );
    }
  }
  return problems;
}

async function settingsOf(client: pg.ClientBase, database: string): Promise<string[]> {
  const { rows } = await client.query<{ setting: string }>(
    `select unnest(s.setconfig) as setting from pg_db_role_setting s
     join pg_database d on d.oid = s.setdatabase where d.datname = $1 and s.setrole = 0`,
    [database],
  );
  return rows.map((row) => row.setting);
}

async function grantsOf(client: pg.ClientBase, database: string) {
  const { rows } = await client.query<{ grantee: string; privilege: string; grantable: boolean }>(
    `select case when a.grantee = 0 then 'public' else pg_get_userbyid(a.grantee) end as grantee,
            a.privilege_type as privilege, a.is_grantable as grantable
     from pg_database d, aclexplode(d.datacl) a where d.datname = $1`,
    [database],
  );
  return rows;
}
