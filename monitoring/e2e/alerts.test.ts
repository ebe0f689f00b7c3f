import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@shopops/local-servers';
import { scratchDir } from '@shopops/testing';
import { runBackupWithMetrics, startApiUnderWatch, type ApiUnderWatch } from '../test/support/running-api.ts';
import { startNodeExporter, startPushgateway } from '../test/support/exporters.ts';
import { startDaemon, waitFor, type Daemon } from '../test/support/processes.ts';
import { startWebhookReceiver, type Delivery } from './support/receiver.ts';
import { writeAlertmanagerTestProfile, writePrometheusTestProfile } from './support/test-profile.ts';

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

let watched: ApiUnderWatch;
let nodeExporter: Daemon;
let pushgateway: Daemon;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let prometheus: Daemon;
let alertmanager: Daemon;

async function prometheusAlerts(): Promise<PromAlert[]> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: PromAlert[] } };
  return body.data.alerts;
}

const firing = async (name: string) =>
  (await prometheusAlerts()).find((a) => a.labels.alertname === name && a.state === 'firing');

/** `count` requests to the API, `concurrency` at a time; the statuses it answered. */
async function traffic(path: string, count: number, concurrency = 10): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const response = await fetch(`${watched.api.url}${path}`);
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    }),
  );
  return statuses;
}

const pager = () => receiver.deliveries.filter((d) => d.path === '/pagerduty');
const chat = () => receiver.deliveries.filter((d) => d.path === '/slack');
const chatAbout = (alert: string, status: 'FIRING' | 'RESOLVED') =>
  chat().find((d: Delivery) => JSON.stringify(d.body).includes(`[${status}] ${alert} `));

beforeAll(async () => {
  const dir = scratchDir('prometheus-e2e-');
  watched = await startApiUnderWatch();
  // The backup CLI writes its gauges where node_exporter's textfile collector reads them, and pushes them
  // to a Pushgateway (where a backup runs in a job with no machine of its own).
  const textfiles = join(dir, 'textfiles');
  mkdirSync(textfiles);
  pushgateway = await startPushgateway();
  await runBackupWithMetrics(watched.databaseUrl, join(dir, 'backups'), {
    file: join(textfiles, 'backup.prom'),
    pushgatewayUrl: pushgateway.url,
  });
  nodeExporter = await startNodeExporter({ textfileDir: textfiles, onlyTextfile: true });
  receiver = await startWebhookReceiver();

  const [alertmanagerPort, prometheusPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, 'alertmanager'));
  const alertmanagerConfig = writeAlertmanagerTestProfile(join(dir, 'alertmanager'), receiver.url);
  alertmanager = await startDaemon(
    'prometheus-alertmanager',
    [
      `--config.file=${alertmanagerConfig}`,
      `--storage.path=${join(dir, 'alertmanager', 'data')}`,
      `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
      '--cluster.listen-address=',
    ],
    `http://127.0.0.1:${alertmanagerPort}`,
    '/-/ready',
  );
  const prometheusConfig = writePrometheusTestProfile(
    join(dir, 'prometheus'),
    {
      api: new URL(watched.api.url).host,
      node: new URL(nodeExporter.url).host,
      pushgateway: new URL(pushgateway.url).host,
    },
    `127.0.0.1:${alertmanagerPort}`,
  );
  prometheus = await startDaemon(
    'prometheus',
    [
      `--config.file=${prometheusConfig}`,
      `--storage.tsdb.path=${join(dir, 'prometheus', 'data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
      '--rules.alert.resend-delay=1s',
    ],
    `http://127.0.0.1:${prometheusPort}`,
    '/-/ready',
  );
});
afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await nodeExporter?.stop();
  await pushgateway?.stop();
  await receiver?.close();
  await watched?.stop();
});

describe('the real Prometheus and Alertmanager on the real API', () => {
  it('scrapes the API, and the backup gauges from the textfile collector and the Pushgateway', async () => {
    await traffic('/products', 20);
    const database = new URL(watched.databaseUrl).pathname.slice(1);
    const series = await waitFor('the API and backup series in Prometheus', 60, async () => {
      const query = encodeURIComponent('up{job="api"} == 1 or backup_last_success_timestamp_seconds');
      const body = (await (await fetch(`${prometheus.url}/api/v1/query?query=${query}`)).json()) as {
        data: { result: { metric: Record<string, string> }[] };
      };
      const result = body.data.result;
      return result.length === 3 ? result : undefined;
    });
    const backups = series.filter((s) => s.metric.__name__ === 'backup_last_success_timestamp_seconds');
    // honor_labels keeps the pusher's job (backup), not the Pushgateway's scrape job.
    expect(backups.map((s) => s.metric).sort((a, b) => a.job!.localeCompare(b.job!))).toMatchObject([
      { database, job: 'backup' },
      { database, job: 'node' },
    ]);
    expect(series.find((s) => !backups.includes(s))?.metric).toMatchObject({ job: 'api' });
  });

  it('fires ApiHighErrorRate when the database stops, pages and chats it, then resolves once it is back', async () => {
    await watched.pg.stopServer();
    const alert = await waitFor('ApiHighErrorRate firing', 180, async () => {
      const statuses = await traffic('/products', 8, 4);
      // An outage answers 503 with Retry-After (not 500): still a 5xx the alert counts.
      expect(statuses.every((s) => s === 503)).toBe(true);
      return firing('ApiHighErrorRate');
    });
    expect(alert.labels).toMatchObject({ severity: 'critical', job: 'api' });

    // Critical: Alertmanager's PagerDuty integration and its Slack one both deliver it.
    const paged = await waitFor('the PagerDuty event', 60, async () =>
      pager().find((d) => d.body.event_action === 'trigger' && String(d.body.payload?.summary).includes('5xx')),
    );
    expect(paged.body).toMatchObject({ routing_key: 'e2e-routing-key', payload: { severity: 'critical' } });
    expect(paged.body.payload?.custom_details?.runbook_url).toMatch(/docs\/RUNBOOK\.md#api-high-error-rate$/);
    const chatted = await waitFor('the Slack message', 60, async () => chatAbout('ApiHighErrorRate', 'FIRING'));
    expect(chatted.body.channel).toBe('#shop-alerts');

    await watched.pg.startServer();
    // The 5 m window still holds the failures: successful traffic brings the ratio back under 2 %.
    await waitFor('ApiHighErrorRate resolved', 240, async () => {
      const statuses = await traffic('/products', 400, 20);
      if (statuses.some((s) => s !== 200)) return undefined;
      return (await firing('ApiHighErrorRate')) ? undefined : true;
    });
    const resolved = await waitFor('the PagerDuty resolve event', 60, async () =>
      pager().find((d) => d.body.event_action === 'resolve' && d.body.dedup_key === paged.body.dedup_key),
    );
    expect(resolved).toBeDefined();
    expect(
      await waitFor('the resolved Slack message', 60, async () => chatAbout('ApiHighErrorRate', 'RESOLVED')),
    ).toBeDefined();
  });

  it('routes by severity: a warning reaches chat only, the Watchdog nobody, and only critical alerts page', async () => {
    // A warning posted to Alertmanager's API exactly as Prometheus posts its alerts.
    const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname: 'ApiHighLatency', severity: 'warning', job: 'api', route: '/products' },
          annotations: { summary: 'p95 latency of /products is 600ms', description: 'e2e warning', runbook_url: 'x' },
        },
      ]),
    });
    expect(posted.status).toBe(200);
    await waitFor('the warning in chat', 60, async () => chatAbout('ApiHighLatency', 'FIRING'));
    expect(await firing('Watchdog')).toBeDefined();
    expect(pager().every((d) => d.body.payload?.severity === 'critical' || d.body.event_action === 'resolve')).toBe(
      true,
    );
    expect(JSON.stringify(pager())).not.toContain('ApiHighLatency');
    expect(JSON.stringify(receiver.deliveries)).not.toContain('Watchdog');
  });
});
