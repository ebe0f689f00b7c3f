import { describe, expect, it } from 'vitest';
import { toCliArguments } from './cli-arguments.ts';
import { schema } from './schema.ts';

const url = 'postgres://app@127.0.0.1:5432/shop';
const paths = { dir: '/ws/apps/api/migrations', schemaFile: '/ws/apps/api/schema.sql' };
const argv = (options: Record<string, unknown>) => toCliArguments(schema.parse(options), url, paths);
const connection = [
  '--url',
  url,
  '--table',
  'public.schema_migrations',
  '--lock-timeout',
  '60000',
  '--statement-lock-timeout',
  '5s',
  '--lock-retries',
  '3',
];

describe('toCliArguments', () => {
  it('builds the exact command line for each command', () => {
    expect(argv({})).toEqual(['up', '--dir', paths.dir, ...connection]);
    expect(argv({ command: 'up', to: '20261123090100' })).toEqual([
      'up',
      '20261123090100',
      '--dir',
      paths.dir,
      ...connection,
    ]);
    expect(argv({ command: 'down', steps: 2 })).toEqual(['down', '--dir', paths.dir, ...connection, '--steps', '2']);
    expect(argv({ command: 'status', exitCode: true, json: true })).toEqual([
      'status',
      '--dir',
      paths.dir,
      ...connection,
      '--exit-code',
      '--json',
    ]);
    expect(argv({ command: 'dump-schema' })).toEqual([
      'dump-schema',
      '--dir',
      paths.dir,
      ...connection,
      '--file',
      paths.schemaFile,
    ]);
    expect(argv({ command: 'redo', allowDrift: true, allowOutOfOrder: true })).toEqual([
      'redo',
      '--dir',
      paths.dir,
      ...connection,
      '--allow-drift',
      '--allow-out-of-order',
    ]);
  });

  it('passes tuning options through', () => {
    const args = argv({
      command: 'up',
      table: 'ops.history',
      lockTimeout: 0,
      statementLockTimeout: '500ms',
      lockRetries: 0,
    });
    expect(args).toEqual([
      'up',
      '--dir',
      paths.dir,
      '--url',
      url,
      '--table',
      'ops.history',
      '--lock-timeout',
      '0',
      '--statement-lock-timeout',
      '500ms',
      '--lock-retries',
      '0',
    ]);
  });

  it('gives lint and new no database options', () => {
    expect(argv({ command: 'lint', strict: true })).toEqual(['lint', '--dir', paths.dir, '--strict']);
    expect(argv({ command: 'new', name: 'add_index' })).toEqual(['new', 'add_index', '--dir', paths.dir]);
    expect(() => argv({ command: 'new' })).toThrow(/`new` needs a name/);
  });
});
