import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toNxSchema } from './nx-schema.ts';
import { renderReference } from './reference-markdown.ts';

const schema = z
  .object({
    command: z
      .enum(['up', 'down'])
      .default('up')
      .describe('What to do.')
      .meta({ $default: { $source: 'argv', index: 0 } }),
    steps: z.number().int().positive().default(1).describe('How many | at most.'),
    zeta: z
      .string()
      .describe('Needed.')
      .meta({ examples: ['z1'] }),
    alpha: z.string().optional().describe('Optional.'),
  })
  .meta({ title: 'Thing', description: 'Does a thing. Then more.', examples: ['nx run app:thing down'] });

describe('toNxSchema', () => {
  const json = toNxSchema(schema, 'executor');

  it('keeps what Nx reads: defaults, enums, positional sources, required, closed object', () => {
    expect(json).toMatchObject({
      version: 2,
      cli: 'nx',
      title: 'Thing',
      required: ['zeta'],
      additionalProperties: false,
    });
    expect(json.properties!.command).toMatchObject({
      default: 'up',
      enum: ['up', 'down'],
      $default: { $source: 'argv', index: 0 },
    });
  });

  it('spells a positive integer as minimum 1 without the MAX_SAFE_INTEGER noise', () => {
    expect(json.properties!.steps).toEqual({
      type: 'integer',
      default: 1,
      description: 'How many | at most.',
      minimum: 1,
    });
  });
});

describe('renderReference', () => {
  const page = renderReference({
    id: 'p:thing',
    name: 'thing',
    kind: 'executor',
    schema: toNxSchema(schema, 'executor'),
  });
  const rows = page.split('\n').filter((line) => line.startsWith('| `--'));

  it('lists required options first, then the rest alphabetically', () => {
    expect(rows.map((row) => row.split('`')[1])).toEqual(['--zeta', '--alpha', '--command', '--steps']);
  });

  it('shows defaults, enums, examples, positional use and escapes table pipes', () => {
    expect(rows[0]).toBe('| `--zeta` (required) | string |  | Needed. Example: `"z1"`. |');
    expect(rows[2]).toContain('(positional 1) | string | `"up"` | What to do. One of: `up`, `down`.');
    expect(rows[3]).toContain('How many \\| at most.');
    expect(page).toContain('```sh\nnx run app:thing down\n```');
  });
});
