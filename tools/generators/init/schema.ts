import { z } from 'zod';

export const schema = z
  .object({
    skipPackageJson: z
      .boolean()
      .default(false)
      .describe('Leave package.json alone (do not add @nx/devkit, the plugin’s peer dependency).'),
    skipFormat: z.boolean().default(false).describe('Do not format the files the generator changes.'),
    keepExistingVersions: z
      .boolean()
      .default(true)
      .describe('Keep the version of a package that package.json already lists, rather than changing it.'),
  })
  .meta({
    title: 'Init',
    description:
      'Registers @shopops/ops in nx.json with its default options and adds its peer dependency, so every project with a migrations/ folder or a Dockerfile gets its targets. `nx add @shopops/ops` runs it; a second run changes nothing.',
    examples: ['nx add @shopops/ops', 'nx g @shopops/ops:init'],
  });

export type InitGeneratorOptions = z.input<typeof schema>;
