import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import migrationGenerator from './generator.ts';

const noon = new Date(Date.UTC(2026, 10, 23, 12, 5, 9));

describe('migration generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'api', { root: 'apps/api' });
  });

  it('writes an empty dbmate migration named by UTC timestamp', async () => {
    await migrationGenerator(tree, { name: 'add_orders_index', project: 'api' }, noon);
    const path = 'apps/api/migrations/20261123120509_add_orders_index.sql';
    expect(tree.exists(path)).toBe(true);
    const content = tree.read(path, 'utf8')!;
    expect(content).toMatch(/^-- migrate:up\n/);
    expect(content).toContain('\n-- migrate:down\n');
  });

  it('honours a custom folder', async () => {
    await migrationGenerator(tree, { name: 'seed', project: 'api', dir: 'db/migrations' }, noon);
    expect(tree.exists('apps/api/db/migrations/20261123120509_seed.sql')).toBe(true);
  });

  it('refuses a name that is already used', async () => {
    await migrationGenerator(tree, { name: 'add_orders_index', project: 'api' }, noon);
    await expect(
      migrationGenerator(tree, { name: 'add_orders_index', project: 'api' }, new Date(noon.getTime() + 60_000)),
    ).rejects.toThrow(/20261123120509_add_orders_index\.sql already exists/);
  });

  it('names the bad option', async () => {
    const changesBefore = tree.listChanges().length;
    await expect(migrationGenerator(tree, { name: 'Add Index', project: 'api' }, noon)).rejects.toThrow(
      /--name: lowercase letters, digits and underscores/,
    );
    expect(tree.listChanges()).toHaveLength(changesBefore);
  });

  it('fails on an unknown project', async () => {
    await expect(migrationGenerator(tree, { name: 'x', project: 'nope' }, noon)).rejects.toThrow(/nope/);
  });
});
