import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ALERTMANAGER_CONFIG } from '../src/paths.ts';

async function receivers(...labels: string[]): Promise<string> {
  const result = await execa(
    'amtool',
    ['config', 'routes', 'test', `--config.file=${ALERTMANAGER_CONFIG}`, ...labels],
    { all: false },
  );
  return result.stdout.trim();
}

describe('Alertmanager configuration (amtool)', () => {
  it('amtool check-config accepts alertmanager.yml', async () => {
    const result = await execa('amtool', ['check-config', ALERTMANAGER_CONFIG], { reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toContain('SUCCESS');
    expect(result.all).toContain('3 receivers');
    expect(result.all).toContain('2 inhibit rules');
  });

  it('critical pages and goes to chat', async () => {
    expect(await receivers('alertname=ApiHighErrorRate', 'severity=critical', 'job=api')).toBe('pager,chat');
  });

  it('warning goes to chat only', async () => {
    expect(await receivers('alertname=ApiHighLatency', 'severity=warning', 'job=api')).toBe('chat');
  });

  it('Watchdog goes to the null receiver, whatever its severity', async () => {
    expect(await receivers('alertname=Watchdog', 'severity=none')).toBe('null');
    expect(await receivers('alertname=Watchdog', 'severity=critical')).toBe('null');
  });

  it('an alert without a known severity still reaches chat (the root receiver)', async () => {
    expect(await receivers('alertname=Unlabelled')).toBe('chat');
  });
});
