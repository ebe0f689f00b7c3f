import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '@shopops/testing';
import { parseCanaryOptions, resolveSettings } from '../src/resolve.ts';

/** The settings a release would use for this fly.toml (an image given, so no image record is read). */
function settingsFor(flyToml: string) {
  const dir = scratchDir('canary-metrics-port-');
  writeFileSync(join(dir, 'fly.toml'), flyToml);
  const options = parseCanaryOptions({ config: 'fly.toml', image: 'registry.fly.io/shop:abc' });
  return resolveSettings(options, dir, { FLY_API_TOKEN: 'token' }).settings;
}

const base = 'app = "shop"\n[http_service]\n  internal_port = 8080\n';

describe("the machines' /metrics port", () => {
  it("is fly.toml's [[metrics]] port when the app serves /metrics apart (METRICS_PORT)", () => {
    const settings = settingsFor(`${base}[[metrics]]\n  port = 9091\n  path = "/metrics"\n`);
    expect(settings.internalPort).toBe(8080);
    expect(settings.metricsPort).toBe(9091);
  });

  it('is the service port when fly.toml has no [[metrics]]', () => {
    expect(settingsFor(base).metricsPort).toBe(8080);
  });
});
