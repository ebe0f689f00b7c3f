import { z } from 'zod';
import { PROFILE_NAMES } from './profiles.ts';

/** An environment's name is part of file names, Fly app names and GitHub environments. */
export const environmentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, 'lowercase letters, digits and dashes, starting with a letter, e.g. staging')
  .refine((name) => !name.endsWith('-') && !name.includes('--'), 'no dash at the end and no two dashes in a row');

/** Options new-env and rotate-secret share: whose environment, and where its variables are described. */
export const environmentSource = {
  project: z
    .string()
    .min(1)
    .describe('Project (the app) whose `.env.<env>` files hold its environment, e.g. the API.')
    .meta({ 'x-prompt': 'Which project is the environment for?', examples: ['api'] }),
  configModule: z
    .string()
    .min(1)
    .describe(
      "Module describing the app's environment variables: it exports `describeVariables()` (name, description, default, devDefault, requiredIn, secret, example of each) and `loadConfig(env)` (throws an error with `problems: { variable, message }[]`). A package name resolved from the workspace root, or a path relative to it. Set it once in nx.json's `generators` defaults.",
    )
    .meta({ examples: ['@shopops/config', './libs/env/src/index.ts'] }),
};

export const schema = z
  .object({
    name: environmentName
      .describe('The environment: its `.env.<name>`, `fly.<name>.toml`, Render group and GitHub environment.')
      .meta({ $default: { $source: 'argv', index: 0 }, examples: ['staging', 'prod', 'qa'] }),
    ...environmentSource,
    profile: z
      .enum(PROFILE_NAMES)
      .optional()
      .describe(
        'Defaults to apply: `dev` (a laptop: dev defaults, debug logs, no platform files), `staging` or `prod` (deployed: info logs, https URLs, CORS locked to the storefront). Default: the name when it is one of these, else staging.',
      ),
    values: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        'Values to write as they are, by variable: `--values.S3_BUCKET=shop-staging`. They win over every rule.',
      ),
    generate: z
      .record(z.string(), z.int().min(16).max(1024))
      .default({})
      .describe(
        'Secrets that are ours to invent, by variable, with their length in random bytes (node:crypto, written base64url): `{ "JWT_SECRET": 64 }`. Every other secret comes from its provider and is left as a placeholder.',
      ),
    flyConfig: z
      .string()
      .default('fly.toml')
      .describe('fly.toml to derive `fly.<env>.toml` from (same folder); skipped when the file does not exist.'),
    flyApp: z.string().optional().describe('Fly app of the environment. Default: the fly.toml app name plus `-<env>`.'),
    renderBlueprint: z
      .string()
      .default('render.yaml')
      .describe('Render Blueprint that receives the environment group; skipped when the file does not exist.'),
    renderGroup: z
      .string()
      .optional()
      .describe("Blueprint env group to derive the environment's group from. Default: the Blueprint's only group."),
    composeFile: z
      .string()
      .default('docker-compose.yml')
      .describe('Compose file `docker-compose.<env>.yml` overrides for a local rehearsal; skipped when absent.'),
    workflow: z
      .string()
      .default('.github/workflows/deploy.yml')
      .describe(
        "Deploy workflow that gets the environment's jobs (copies of its profile's, `environment:` set to it); skipped when the file does not exist.",
      ),
    force: z
      .boolean()
      .default(false)
      .describe(
        'Overwrite files that exist and differ. The values of an existing `.env.<env>` are kept (secrets are never regenerated); new variables are added.',
      ),
  })
  .meta({
    title: 'New environment',
    description:
      "Writes `<project>/.env.<env>` from the app's config schema (every variable with its description, defaults of the profile, secrets generated, the rest as marked placeholders), checks it with the app's own `loadConfig`, adds it to .gitignore, and writes the committed, secret-free part: `fly.<env>.toml`, a Render env group, `docker-compose.<env>.yml`, the GitHub environment in the deploy workflow and `secrets-<env>.sh`, which publishes the secrets without printing them. A second run changes nothing; files that exist and differ need `--force`.",
    examples: [
      'nx g @shopops/ops:new-env staging',
      'nx g new-env qa --values.S3_BUCKET=shop-qa',
      'nx g @shopops/ops:new-env prod --dry-run',
    ],
  });

export type NewEnvGeneratorOptions = z.input<typeof schema>;
export type NewEnvOptions = z.output<typeof schema>;
