import type { Machine } from './machine.ts';
import { trafficSample, type TrafficSample } from './prometheus.ts';

/** The machine's own address, from the --machine-url template (an IPv6 private_ip in brackets). */
export function machineUrl(template: string, machine: Machine, app: string, internalPort: number): string {
  const ip = machine.private_ip.includes(':') ? `[${machine.private_ip}]` : machine.private_ip;
  return template
    .replaceAll('{private_ip}', ip)
    .replaceAll('{internal_port}', String(internalPort))
    .replaceAll('{id}', machine.id)
    .replaceAll('{app}', app)
    .replace(/\/+$/, '');
}

const PROBE_TIMEOUT_MS = 5_000;

/** /readyz of one machine, read from the machine itself. */
export async function probeReadiness(baseUrl: string): Promise<{ ready: boolean; detail: string }> {
  try {
    const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = await response.text();
    if (response.ok) return { ready: true, detail: String(response.status) };
    return { ready: false, detail: `answered ${response.status}${failingChecks(body)}` };
  } catch (error) {
    return { ready: false, detail: `did not answer (${reason(error)})` };
  }
}

/** The machine's /metrics, read from the machine itself, not through the proxy (which picks a machine). */
export async function scrapeTraffic(baseUrl: string): Promise<TrafficSample> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${baseUrl}/metrics answered ${response.status}`);
  return trafficSample(await response.text());
}

/** `: storage (…)` from the API's readiness report, so a rollback says which dependency failed. */
function failingChecks(body: string): string {
  try {
    const report = JSON.parse(body) as { checks?: Record<string, { ok?: boolean; error?: string }> };
    const failing = Object.entries(report.checks ?? {}).filter(([, c]) => c.ok === false);
    return failing.length ? `: ${failing.map(([name, c]) => `${name} (${c.error ?? 'failed'})`).join(', ')}` : '';
  } catch {
    return '';
  }
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).name ?? String(error);
}
