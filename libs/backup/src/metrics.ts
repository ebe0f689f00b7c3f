import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { BackupError, describeError } from './errors.ts';

/** What a backup or verify run reports for monitoring; one gauge per name, labelled by database. */
export const BACKUP_METRICS = [
  {
    name: 'backup_last_success_timestamp_seconds',
    help: 'When the last successful backup of the database finished, in Unix seconds.',
  },
  { name: 'backup_last_duration_seconds', help: 'How long the last successful backup of the database took.' },
  { name: 'backup_last_size_bytes', help: 'Size of the last successful backup of the database, as stored.' },
  {
    name: 'backup_last_verified_timestamp_seconds',
    help: 'When a backup of the database last passed a restore drill, in Unix seconds.',
  },
] as const;

export type BackupMetricName = (typeof BACKUP_METRICS)[number]['name'];
export type BackupMetricValues = Partial<Record<BackupMetricName, number>>;

/** `name{database="…"}` → value: the samples of a textfile this module wrote. */
type Samples = Map<string, number>;

const SAMPLE = /^([a-z_]+)\{database="((?:[^"\\]|\\.)*)"\} (\S+)$/;
const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition format (what node_exporter's textfile collector and the Pushgateway read). */
export function renderMetrics(samples: Samples): string {
  return BACKUP_METRICS.flatMap(({ name, help }) => {
    const lines = [...samples].filter(([key]) => key.startsWith(`${name}{`)).sort(([a], [b]) => a.localeCompare(b));
    if (lines.length === 0) return [];
    return [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...lines.map(([key, value]) => `${key} ${value}`)];
  })
    .map((line) => `${line}\n`)
    .join('');
}

function samplesFor(database: string, values: BackupMetricValues): Samples {
  return new Map(
    Object.entries(values).map(([name, value]) => [`${name}{database="${escapeLabel(database)}"}`, value as number]),
  );
}

/**
 * Updates the database's values in a textfile for node_exporter, keeping every other sample (other
 * databases, the metrics this run did not set). Written to a temporary file and renamed over the old
 * one, so the collector never reads half a file.
 */
export async function updateMetricsFile(path: string, database: string, values: BackupMetricValues): Promise<void> {
  const samples = await readSamples(path);
  for (const [key, value] of samplesFor(database, values)) samples.set(key, value);
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, renderMetrics(samples));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new BackupError(`cannot write the metrics file ${path}: ${describeError(error)}`, {
      remedy: 'check that the directory exists and is writable (node_exporter --collector.textfile.directory)',
      cause: error,
    });
  }
}

async function readSamples(path: string): Promise<Samples> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match) samples.set(`${match[1]}{database="${match[2]}"}`, Number(match[3]));
  }
  return samples;
}

/**
 * Pushes the values to a Pushgateway, grouped by job `backup` and the database. POST replaces only
 * the metrics it sends, so a verify run keeps the backup run's values.
 */
export async function pushMetrics(gatewayUrl: string, database: string, values: BackupMetricValues): Promise<void> {
  const url = new URL(`metrics/job/backup/database/${encodeURIComponent(database)}`, withSlash(gatewayUrl));
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: renderMetrics(samplesFor(database, values)) });
  } catch (error) {
    throw pushFailure(url, describeError((error as Error).cause ?? error));
  }
  if (!response.ok) throw pushFailure(url, `HTTP ${response.status} ${(await response.text()).trim()}`);
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

function pushFailure(url: URL, why: string): BackupError {
  return new BackupError(`pushing the backup metrics to ${url.origin} failed: ${why}`, {
    remedy: 'check --pushgateway-url and that the Pushgateway is running; the backup itself is stored',
  });
}
