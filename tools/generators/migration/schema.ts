import { z } from 'zod';

export const schema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and underscores, e.g. add_orders_index')
      .describe('What the migration does, in snake_case; it becomes part of the file name.')
      .meta({ $default: { $source: 'argv', index: 0 }, examples: ['add_orders_index'] }),
    project: z
      .string()
      .min(1)
      .describe('Project whose migrations folder receives the file.')
      .meta({ 'x-prompt': 'Which project should the migration belong to?', examples: ['api'] }),
    dir: z.string().default('migrations').describe('Migrations folder, relative to the project root.'),
  })
  .meta({
    title: 'Migration',
    description:
      'Creates `<14-digit UTC timestamp>_<name>.sql` with empty `-- migrate:up` and `-- migrate:down` sections in a project’s migrations folder (the folder is created when missing, which also gives the project an inferred `migrate` target).',
    examples: ['nx g @shopops/ops:migration add_orders_index --project api'],
  });

export type MigrationGeneratorOptions = z.input<typeof schema>;
