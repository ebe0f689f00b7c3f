import { z } from 'zod';

const targetName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9:_-]*$/, 'a target name (letters, digits, `-`, `_`, `:`)');

/**
 * The plugin's options, from `{ "plugin": "@shopops/ops", "options": { … } }` in nx.json. Everything
 * that differs between workspaces lives here, so the plugin assumes nothing about the one it is in.
 */
export const pluginOptionsSchema = z
  .object({
    migrateTargetName: targetName.default('migrate').describe('Name of the target inferred from a migrations/ folder.'),
    dockerBuildTargetName: targetName
      .default('docker-build')
      .describe('Name of the target inferred from a Dockerfile.'),
    dockerBuildInputs: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Extra inputs of every docker-build target: files the Dockerfiles read from outside the project, such as a shared build script (`{workspaceRoot}/docker/**/*`).',
      ),
    smokeTargetName: targetName
      .default('smoke')
      .describe('Name of the target inferred from a smoke.yaml (or smoke.json) in a project root.'),
    flyCanaryTargetName: targetName
      .default('fly-canary')
      .describe('Name of the target inferred from a fly.toml: a canary release on Fly.io.'),
    flyApps: z
      .record(z.string().min(1), z.string().min(1))
      .default({})
      .describe(
        'fly.toml files outside a project root, each mapped to the project folder it deploys (`{ "fly.toml": "apps/api" }`). A fly.toml in a project root deploys that project without a line here.',
      ),
    backupTargets: z
      .boolean()
      .default(true)
      .describe(
        'Infer backup, restore, backups (list), backup-verify and backup-prune on every project with a migrations/ folder.',
      ),
    envProject: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Project whose `.env.<env>` files hold DATABASE_URL for the inferred migrate and backup targets. Default: the project itself.',
      ),
  })
  .strict();

export type OpsPluginOptions = z.input<typeof pluginOptionsSchema>;
export type NormalizedPluginOptions = z.output<typeof pluginOptionsSchema>;

/**
 * Validated options, or an error that names each bad option and where it is set: a mistake in nx.json
 * must read as one, not as a stack trace from inside the plugin.
 */
export function normalizePluginOptions(options: unknown): NormalizedPluginOptions {
  const result = pluginOptionsSchema.safeParse(options ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.join('.');
    return issue.code === 'unrecognized_keys'
      ? `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
      : `"${path}": ${issue.message}`;
  });
  throw new Error(`invalid options for @shopops/ops in nx.json (plugins[].options): ${problems.join('; ')}`);
}
