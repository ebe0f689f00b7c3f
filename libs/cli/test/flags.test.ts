import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flagsHelp, flagsOf, parseFlags, UsageError, validateFlags } from '../src/index.ts';

const schema = z.object({
  url: z.string().optional().describe('Database URL.'),
  keepDaily: z.number().int().nonnegative().optional().describe('Days to keep.'),
  jobs: z.number().int().positive().default(2).describe('Parallel jobs.'),
  compression: z.enum(['zstd', 'none']).default('zstd').describe('How to compress.'),
  drill: z.boolean().default(true).describe('Run a restore drill.'),
  apply: z.boolean().default(false).describe('Really delete.'),
  protectedHosts: z.array(z.string()).optional().describe('Hosts that count as production.'),
});
const flags = flagsOf(schema);
const parse = (argv: string[]) => {
  const { values, positionals } = parseFlags(flags, argv);
  return { options: validateFlags(schema, flags, values), positionals };
};

describe('flags from one zod schema', () => {
  it('spells keys in kebab-case, negates booleans that default to true, and knows kinds and defaults', () => {
    expect(flags.map((f) => [f.name, f.kind, f.defaultValue])).toEqual([
      ['url', 'string', undefined],
      ['keep-daily', 'number', undefined],
      ['jobs', 'number', 2],
      ['compression', 'string', 'zstd'],
      ['no-drill', 'boolean', true],
      ['apply', 'boolean', false],
      ['protected-hosts', 'list', undefined],
    ]);
  });

  it('converts numbers, lists and negations, applies defaults, and keeps positionals', () => {
    expect(parse(['restore', '--keep-daily', '14', '--no-drill', '--protected-hosts', 'a, b,', '--apply'])).toEqual({
      options: { keepDaily: 14, jobs: 2, compression: 'zstd', drill: false, apply: true, protectedHosts: ['a', 'b'] },
      positionals: ['restore'],
    });
  });

  it('names every bad value by its flag, and unknown flags without Node’s misleading advice', () => {
    expect(() => parse(['--jobs', 'two'])).toThrow(new UsageError("--jobs must be a number, got 'two'"));
    expect(() => parse(['--jobs', '0', '--compression', 'gzip'])).toThrow(
      /^--jobs: Too small: expected number to be >0; --compression: Invalid option: expected one of "zstd"\|"none"$/,
    );
    expect(() => parse(['--destinaton', 'x'])).toThrow(new UsageError("Unknown option '--destinaton'"));
  });

  it('reads repeated name/value flags and durations, as their meta says', () => {
    const timed = z.object({
      headers: z
        .record(z.string(), z.string())
        .optional()
        .describe('Headers.')
        .meta({ flag: 'header', separator: ':' }),
      timeout: z.number().int().positive().default(10_000).describe('Milliseconds to wait.').meta({ duration: true }),
    });
    const timedFlags = flagsOf(timed);
    const { values } = parseFlags(timedFlags, [
      '--header',
      'a: 1',
      '--header',
      'fly-force-instance-id:3d8',
      '--timeout',
      '30s',
    ]);
    expect(validateFlags(timed, timedFlags, values)).toEqual({
      headers: { a: '1', 'fly-force-instance-id': '3d8' },
      timeout: 30_000,
    });
    expect(() => parseFlags(timedFlags, ['--header', 'nocolon'])).toThrow(
      expect.objectContaining({
        message: "--header 'nocolon': expected name:value",
        remedy: 'e.g. --header "NAME: VALUE"',
      }),
    );
    expect(() => parseFlags(timedFlags, ['--timeout', 'soon'])).toThrow(/--timeout must be milliseconds or a duration/);
    expect(flagsHelp(timedFlags)).toContain('--header "NAME: VALUE"');
  });

  it('renders --help rows with placeholders, choices and defaults', () => {
    expect(flagsHelp(flags)).toBe(
      [
        '  --url VALUE               Database URL.',
        '  --keep-daily N            Days to keep.',
        '  --jobs N                  Parallel jobs. (default: 2)',
        '  --compression zstd|none   How to compress. (default: zstd)',
        '  --no-drill                Run a restore drill.',
        '  --apply                   Really delete.',
        '  --protected-hosts A,B     Hosts that count as production.',
      ].join('\n'),
    );
  });
});
