import { readFile } from 'node:fs/promises';
import pg from 'pg';

/** Runs the seed file in one transaction. Seed files are idempotent (`on conflict do nothing`). */
export async function seedDatabase(url: string, seedFile: string): Promise<number> {
  const sql = await readFile(seedFile, 'utf8');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(sql);
    await client.query('commit');
    const { rows } = await client.query<{ n: number }>('select count(*)::int as n from products');
    return rows[0]?.n ?? 0;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw new Error(`seeding from ${seedFile} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await client.end();
  }
}
