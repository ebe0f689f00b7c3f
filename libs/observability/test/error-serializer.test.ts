import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.ts';

function logError(fields: Record<string, unknown>) {
  const lines: string[] = [];
  createLogger({ level: 'info' }, { write: (line: string) => void lines.push(line) }).error(fields, 'failed');
  return JSON.parse(lines[0]!) as Record<string, Record<string, unknown>>;
}

describe('errors in log lines', () => {
  it('keep their plain-data fields and cause chain, and drop the objects they carry', () => {
    class ClientLike {
      secretKey = 424242;
      socket = new Socket();
    }
    const error = Object.assign(new Error('query failed', { cause: new TypeError('socket hang up') }), {
      code: '57P01',
      $metadata: { httpStatusCode: 503, attempts: 3 },
      client: new ClientLike(),
      response: new Socket(),
    });
    const line = logError({ err: error });
    expect(line.err).toEqual({
      type: 'Error',
      message: 'query failed',
      stack: expect.stringContaining('query failed'),
      code: '57P01',
      $metadata: { httpStatusCode: 503, attempts: 3 },
      cause: { type: 'TypeError', message: 'socket hang up', stack: expect.any(String) },
    });
    error.client.socket.destroy();
    error.response.destroy();
  });

  it('leave out what an error inherits (a DOMException is its message, not its constants table)', () => {
    const line = logError({ error: new DOMException('Zero-length key is not supported', 'DataError') });
    expect(line.error).toEqual({
      type: 'DOMException',
      name: 'DataError',
      message: 'Zero-length key is not supported',
      stack: expect.any(String),
    });
  });
});
