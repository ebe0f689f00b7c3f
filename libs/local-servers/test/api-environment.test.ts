import { loadConfig } from '@shopops/config';
import { describe, expect, it } from 'vitest';
import { devApiEnvironment } from '../src/index.ts';

const options = {
  databaseUrl: 'postgres://postgres@127.0.0.1:54329/shop',
  s3: { endpoint: 'http://127.0.0.1:4568', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  apiUrl: 'http://127.0.0.1:8080',
  webUrl: 'http://127.0.0.1:5173',
};

describe('devApiEnvironment', () => {
  it('is a complete environment the API’s own config check accepts', () => {
    const config = loadConfig(devApiEnvironment(options));
    expect(config.http.corsOrigins).toEqual(['http://127.0.0.1:5173']);
    expect(config).toMatchObject({ database: { url: options.databaseUrl } });
  });

  it('makes new secrets every time, so none is a reusable credential', () => {
    const [first, second] = [devApiEnvironment(options), devApiEnvironment(options)];
    expect(first.JWT_SECRET).not.toBe(second.JWT_SECRET);
    expect(first.PAYMENT_SANDBOX_SECRET).not.toBe(second.PAYMENT_SANDBOX_SECRET);
    expect(first.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
  });
});
