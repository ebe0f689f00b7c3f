import { freePort } from '@shopops/local-servers';
import { startDaemon, type Daemon } from './processes.ts';

/** Debian's prometheus-node-exporter on a free loopback port; `textfileDir` feeds its textfile collector. */
export async function startNodeExporter(
  options: { textfileDir?: string; onlyTextfile?: boolean } = {},
): Promise<Daemon> {
  const port = await freePort();
  const args = [`--web.listen-address=127.0.0.1:${port}`];
  if (options.onlyTextfile) args.push('--collector.disable-defaults', '--collector.textfile');
  if (options.textfileDir) args.push(`--collector.textfile.directory=${options.textfileDir}`);
  return startDaemon('prometheus-node-exporter', args, `http://127.0.0.1:${port}`, '/metrics');
}

/**
 * Debian's prometheus-pushgateway on a free loopback port, keeping pushed groups in memory only (Debian's
 * build persists them to /var/lib/prometheus/pushgateway.data unless told otherwise).
 */
export async function startPushgateway(): Promise<Daemon> {
  const port = await freePort();
  return startDaemon(
    'prometheus-pushgateway',
    [`--web.listen-address=127.0.0.1:${port}`, '--persistence.file='],
    `http://127.0.0.1:${port}`,
    '/-/ready',
  );
}
