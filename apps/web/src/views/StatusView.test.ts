import { afterEach, describe, expect, it, vi } from 'vitest';
import { json, stubApi } from '../testing/api-stub.ts';
import { button, renderApp } from '../testing/render.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const version = { version: '1.4.0', commit: 'a1b2c3d', buildTime: '2026-11-23T10:00:00Z' };

function checkRows(wrapper: Awaited<ReturnType<typeof renderApp>>['wrapper']) {
  return wrapper.findAll('table.checks tbody tr').map((row) => row.findAll('th, td').map((cell) => cell.text()));
}

describe('status page', () => {
  it('shows each readiness check with its latency, and the version', async () => {
    stubApi()
      .on(
        'GET',
        '/readyz',
        json({
          status: 'ok',
          checks: {
            database: { ok: true, latencyMs: 2.4 },
            migrations: { ok: true, latencyMs: 5, pending: 0 },
            storage: { ok: true, latencyMs: 11 },
          },
        }),
      )
      .on('GET', '/version', json(version));
    const { wrapper } = await renderApp('/status');

    expect(wrapper.get('[data-testid="readiness-summary"]').text()).toBe('Ready (HTTP 200)');
    expect(checkRows(wrapper)).toEqual([
      ['database', 'OK', '2 ms', ''],
      ['migrations', 'OK', '5 ms', 'pending: 0'],
      ['storage', 'OK', '11 ms', ''],
    ]);
    expect(wrapper.get('[data-testid="api-version"]').text()).toBe('1.4.0');
    expect(wrapper.get('dl.version').text()).toContain('a1b2c3d');
    expect(wrapper.get('dl.version time').attributes('datetime')).toBe('2026-11-23T10:00:00Z');
    expect(wrapper.text()).toContain('http://api.test');
  });

  it('names the failing check when the API is not ready (503)', async () => {
    stubApi()
      .on(
        'GET',
        '/readyz',
        json(
          {
            status: 'unavailable',
            checks: {
              database: { ok: false, latencyMs: 2000, error: 'connect ECONNREFUSED 127.0.0.1:5432' },
              migrations: { ok: false, error: 'database unavailable' },
              storage: { ok: true, latencyMs: 9 },
            },
          },
          503,
        ),
      )
      .on('GET', '/version', json(version));
    const { wrapper } = await renderApp('/status');

    expect(wrapper.get('[data-testid="readiness-summary"]').text()).toBe('Not ready (HTTP 503)');
    expect(checkRows(wrapper)).toEqual([
      ['database', 'Failing', '2000 ms', 'connect ECONNREFUSED 127.0.0.1:5432'],
      ['migrations', 'Failing', '–', 'database unavailable'],
      ['storage', 'OK', '9 ms', ''],
    ]);
    expect(wrapper.get('[data-testid="api-version"]').text()).toBe('1.4.0');
  });

  it('keeps the readiness when the version fails, and refreshes both', async () => {
    let versionCalls = 0;
    const api = stubApi()
      .on('GET', '/readyz', json({ status: 'ok', checks: { database: { ok: true, latencyMs: 1 } } }))
      .on('GET', '/version', () => {
        versionCalls += 1;
        return versionCalls === 1 ? new Response('upstream down', { status: 502 }) : json(version);
      });
    const { wrapper } = await renderApp('/status');

    expect(wrapper.get('[data-testid="readiness-summary"]').text()).toBe('Ready (HTTP 200)');
    const alert = wrapper.get('[role="alert"]');
    expect(alert.text()).toContain('Could not load the version.');
    expect(alert.text()).toContain('The API answered 502');

    await button(wrapper, 'Refresh').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-testid="api-version"]').exists()).toBe(true));
    expect(api.requests.map((r) => r.path)).toEqual(['/readyz', '/version', '/readyz', '/version']);
  });
});
