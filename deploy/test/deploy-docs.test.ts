import { describe, expect, it } from 'vitest';
import { expectedDeployDoc, main } from '../src/deploy-docs.ts';
import { REGENERATE, renderSecretsBlock, requiredSecrets, withSecretsBlock } from '../src/secrets-block.ts';

describe("docs/DEPLOY.md's secrets, generated from the config schema", () => {
  it('is up to date', () => {
    const { current, expected } = expectedDeployDoc();
    expect(current, `docs/DEPLOY.md's secrets block is stale: run ${REGENERATE}`).toBe(expected);
  });

  it('lists every secret prod requires in one `fly secrets set` for the app in fly.toml', () => {
    expect(requiredSecrets().map((v) => v.name)).toEqual([
      'DATABASE_URL',
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
      'JWT_SECRET',
    ]);
    const block = renderSecretsBlock('shopops-api');
    expect(block).toContain('fly secrets set --app shopops-api --stage \\\n  DATABASE_URL=');
    expect(block).toContain('  JWT_SECRET="$(openssl rand -base64 48)"\n```');
  });

  it('the check says how to regenerate a stale block; a document without the markers is refused', () => {
    const lines: string[] = [];
    const io = { stdout: (t: string) => lines.push(t), stderr: (t: string) => lines.push(t) };
    expect(main(['--check'], io)).toBe(0);
    expect(main([], io)).toBe(2);
    expect(lines.join('')).toContain(`  remedy: ${REGENERATE}`);
    expect(() => withSecretsBlock('# no markers\n', 'x')).toThrow(/secrets block markers are missing/);
  });
});
