import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { describeVariables, envSchema, renderEnvExample, runEnvExampleCli } from '../src/index.ts';

describe('describeVariables', () => {
  it('lists every variable of the schema with a description', () => {
    const variables = describeVariables();
    expect(variables.map((v) => v.name)).toEqual(Object.keys(envSchema.shape));
    for (const v of variables) expect(v.description.length, v.name).toBeGreaterThan(10);
  });

  it('marks secrets and where a variable must be set', () => {
    const byName = Object.fromEntries(describeVariables().map((v) => [v.name, v]));
    expect(byName.JWT_SECRET).toMatchObject({ secret: true, requiredIn: ['staging', 'prod'] });
    expect(byName.PORT).toMatchObject({ secret: false, requiredIn: [], default: '8080' });
    expect(byName.HOST).toMatchObject({ default: '0.0.0.0', devDefault: '127.0.0.1' });
  });
});

describe('renderEnvExample', () => {
  const text = renderEnvExample();

  it('has one assignment line per variable', () => {
    for (const name of Object.keys(envSchema.shape)) {
      expect(text).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
    }
  });

  it('never writes a secret other than the dev-only defaults', () => {
    expect(text).toContain('# JWT_SECRET=dev-only-jwt-secret-do-not-use-anywhere-else');
    expect(text).toMatch(/^PAYMENT_FLOW_SECRET_KEY=$/m);
  });
});

describe('env-example CLI', () => {
  it('writes the file, then --check passes; a stale file fails --check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-example-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, '.env.example');
    const lines: string[] = [];
    expect(runEnvExampleCli([file], (l) => lines.push(l))).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(renderEnvExample());
    expect(runEnvExampleCli([file, '--check'], (l) => lines.push(l))).toBe(0);
    writeFileSync(file, 'PORT=1\n');
    expect(runEnvExampleCli([file, '--check'], (l) => lines.push(l))).toBe(1);
    expect(lines.at(-1)).toContain('is stale');
    expect(runEnvExampleCli([], (l) => lines.push(l))).toBe(2);
  });
});
