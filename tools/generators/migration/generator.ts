import { joinPathFragments, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import { migrationFileName, migrationTemplate } from '@shopops/migrate';
import { parseOptions } from '../../src/parse-options.ts';
import { schema, type MigrationGeneratorOptions } from './schema.ts';

/** `nx g @shopops/ops:migration <name> --project <project>`: a new, empty dbmate-format migration. */
export default async function migrationGenerator(tree: Tree, rawOptions: MigrationGeneratorOptions, now = new Date()) {
  const options = parseOptions(schema, rawOptions, 'migration');
  const { root } = readProjectConfiguration(tree, options.project);
  const dir = joinPathFragments(root, options.dir);
  const sameName = tree.exists(dir)
    ? tree.children(dir).find((f) => f.replace(/^\d+_/, '') === `${options.name}.sql`)
    : undefined;
  if (sameName) {
    throw new Error(`${joinPathFragments(dir, sameName)} already exists; choose another name for the migration`);
  }
  const path = joinPathFragments(dir, migrationFileName(options.name, now));
  tree.write(path, migrationTemplate());
  logger.info(`Write the up and down SQL in ${path}, then run: nx run ${options.project}:migrate`);
}
