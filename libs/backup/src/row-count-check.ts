import { USER_TABLES } from './row-counts.ts';

/**
 * A DO block that raises, naming every difference, when the database's user tables and their exact
 * row counts are not those of the manifest. Run inside the restoring transaction, it turns a mismatch
 * into a rollback instead of a report after the fact.
 */
export function rowCountCheckSql(expected: Record<string, number>): string {
  const json = JSON.stringify(expected).replaceAll("'", "''");
  return `do $row_count_check$
declare
  expected jsonb := '${json}'::jsonb;
  differences text[] := '{}';
  t record;
  actual bigint;
  key text;
begin
  for t in ${USER_TABLES.trim()} loop
    key := t.schema || '.' || t.name;
    execute format('select count(*) from only %I.%I', t.schema, t.name) into actual;
    if not expected ? key then
      differences := differences || format('%s is not in the backup (%s rows)', key, actual);
    elsif (expected ->> key)::bigint <> actual then
      differences := differences || format('%s %s→%s', key, expected ->> key, actual);
    end if;
    expected := expected - key;
  end loop;
  for key in select jsonb_object_keys(expected) loop
    differences := differences || format('%s missing', key);
  end loop;
  if cardinality(differences) > 0 then
    raise exception 'row counts differ from the manifest: %', array_to_string(differences, ', ');
  end if;
end
$row_count_check$;`;
}
