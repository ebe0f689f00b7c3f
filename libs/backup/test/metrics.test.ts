import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { freePort, startPostgres, type TestPostgres } from '@shopops/local-servers';
import { BACKUP_METRICS } from '../src/index.ts';
import { seedShop, tempDir } from './fixtures.ts';

const cli = ['--import', 'tsx', resolve(import.meta.dirname, '../src/main.ts')];

describe('backup metrics for monitoring', () => {
  let pg: TestPostgres;
  let source: string;
  let gateway: { url: string; process: ResultPromise };
  beforeAll(async () => {
    pg = await startPostgres();
    source = await pg.createDatabase('shop');
    await seedShop(source, 100);
    gateway = await startPushgateway();
  });
  afterAll(async () => {
    gateway?.process.kill();
    await pg?.stop();
  });

  const run = (args: string[]) =>
    execa(process.execPath, [...cli, ...args], {
      env: { PATH: process.env.PATH, PG_BINDIR: pg.binDir, DATABASE_URL: source },
      extendEnv: false,
      reject: false,
    });
  const value = (text: string, name: string, labels = 'database="shop"') =>
    Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(text)?.[1]);

  it('writes a node_exporter textfile atomically after a backup, keeping other samples, and adds the drill time', async () => {
    const dir = tempDir();
    const file = join(tempDir('textfile-'), 'backup.prom');
    writeFileSync(file, 'backup_last_size_bytes{database="other"} 42\n');
    const before = Date.now() / 1000;
    const backedUp = await run(['backup', '--destination', dir, '--metrics-file', file]);
    expect(backedUp.exitCode, backedUp.stderr).toBe(0);
    const afterBackup = readFileSync(file, 'utf8');
    expect(value(afterBackup, 'backup_last_success_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(before));
    expect(value(afterBackup, 'backup_last_duration_seconds')).toBeGreaterThan(0);
    const manifest = JSON.parse(
      readFileSync(
        join(
          dir,
          readdirSync(dir).find((f) => f.endsWith('.manifest.json'))!,
        ),
        'utf8',
      ),
    );
    expect(value(afterBackup, 'backup_last_size_bytes')).toBe(manifest.archive.size);
    expect(value(afterBackup, 'backup_last_size_bytes', 'database="other"')).toBe(42);
    expect(afterBackup).toContain('# TYPE backup_last_success_timestamp_seconds gauge');
    expect(afterBackup).not.toContain('backup_last_verified_timestamp_seconds{');

    const verified = await run(['verify', '--destination', dir, '--url', source, '--metrics-file', file]);
    expect(verified.exitCode, verified.stderr).toBe(0);
    const afterVerify = readFileSync(file, 'utf8');
    expect(value(afterVerify, 'backup_last_verified_timestamp_seconds')).toBeGreaterThanOrEqual(Math.floor(before));
    expect(value(afterVerify, 'backup_last_size_bytes')).toBe(manifest.archive.size);
    expect(readdirSync(join(file, '..'))).toEqual(['backup.prom']);
    const names = [...afterVerify.matchAll(/^# TYPE (\S+) gauge$/gm)].map((m) => m[1]);
    expect(names).toEqual(BACKUP_METRICS.map((m) => m.name));
  });

  it('a failed run leaves the metrics as they were, so their age is what alerts see', async () => {
    const file = join(tempDir('textfile-'), 'backup.prom');
    writeFileSync(file, 'backup_last_success_timestamp_seconds{database="shop"} 1700000000\n');
    const notADirectory = join(tempDir(), 'a-file');
    writeFileSync(notADirectory, '');
    const failed = await run(['backup', '--destination', notADirectory, '--metrics-file', file]);
    expect(failed.exitCode).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('backup_last_success_timestamp_seconds{database="shop"} 1700000000\n');
  });

  it('pushes to a real Pushgateway, where verify keeps the backup’s values', async () => {
    const dir = tempDir();
    expect((await run(['backup', '--destination', dir, '--pushgateway-url', gateway.url])).exitCode).toBe(0);
    expect(
      (await run(['verify', '--destination', dir, '--url', source, '--pushgateway-url', gateway.url])).exitCode,
    ).toBe(0);
    const scraped = await (await fetch(`${gateway.url}/metrics`)).text();
    const labels = 'database="shop",instance="",job="backup"';
    for (const { name } of BACKUP_METRICS) expect(value(scraped, name, labels), name).toBeGreaterThan(0);

    const nobody = `http://127.0.0.1:${await freePort()}`;
    const unreachable = await run(['backup', '--destination', dir, '--pushgateway-url', nobody]);
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toContain(
      `backup: pushing the backup metrics to ${nobody} failed: connect ECONNREFUSED`,
    );
    expect(unreachable.stderr).toContain(
      '  remedy: check --pushgateway-url and that the Pushgateway is running; the backup itself is stored',
    );
  });
});

/**
 * Debian's prometheus-pushgateway on a loopback port, in memory only: Debian's build persists to
 * /var/lib/prometheus/pushgateway.data unless told otherwise, which would carry groups from run to run.
 */
async function startPushgateway() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = execa('prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='], {
    reject: false,
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (
      await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, process: child };
    await sleep(100);
  }
  child.kill();
  throw new Error('prometheus-pushgateway did not become ready (apt-get install prometheus-pushgateway)');
}
