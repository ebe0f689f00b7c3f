import { joinPathFragments, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import { basename, dirname } from 'node:path';
import { parseOptions } from '../../src/parse-options.ts';
import { composeServiceFor, renderComposeOverride } from './compose-override.ts';
import { configProblems, loadConfigModule, type VariableDescription } from './config-module.ts';
import { addEnvironmentJob, type WorkflowChange } from './deploy-workflow.ts';
import { readEnvFile, renderEnvFile } from './env-file.ts';
import { environmentValues, isSecretVariable, type EnvEntry } from './env-values.ts';
import { generatorError } from './errors.ts';
import { readFlyBase, renderFlyConfig } from './fly-config.ts';
import { settingsFromBase } from './platform-values.ts';
import { ignoreEnvFile } from './gitignore.ts';
import { profileFor } from './profiles.ts';
import { addEnvironmentGroup } from './render-group.ts';
import { renderSecretsScript } from './secrets-script.ts';
import { schema, type NewEnvGeneratorOptions, type NewEnvOptions } from './schema.ts';

interface PlannedFile {
  path: string;
  content: string;
  /** Written even though it exists: a file new-env adds to (.gitignore, render.yaml, the workflow), not one it owns. */
  amend?: boolean;
  mode?: number;
}

/**
 * `nx g @shopops/ops:new-env <name>`: the environment file of a project, from its config schema, and the
 * secret-free files each platform reads. Everything is planned and checked first; a problem writes nothing.
 */
export default async function newEnvGenerator(tree: Tree, rawOptions: NewEnvGeneratorOptions) {
  const options = parseOptions(schema, rawOptions, 'new-env');
  const profile = profileFor(options.name, options.profile);
  const { root: projectRoot } = readProjectConfiguration(tree, options.project);
  const config = await loadConfigModule(tree.root, options.configModule);
  const variables = config.describeVariables();
  assertKnownVariables(variables, options);

  const envFile = joinPathFragments(projectRoot, `.env.${options.name}`);
  const existingEnv = tree.read(envFile, 'utf8');
  const kept = existingEnv === null ? {} : nonEmptyValues(readEnvFile(existingEnv));
  const fly =
    profile.deployed && tree.exists(options.flyConfig)
      ? readFlyBase(tree.read(options.flyConfig, 'utf8')!, options.flyConfig)
      : undefined;
  const requiredWithoutDefault = new Set(
    variables.filter((v) => v.requiredIn.includes(profile.name)).map((v) => v.name),
  );
  const platform = fly ? settingsFromBase(fly.env, options.name, requiredWithoutDefault) : {};
  const entries = environmentValues({
    variables,
    profile,
    given: options.values,
    kept,
    generate: options.generate,
    platform,
  });
  assertLoads(config, entries, envFile, profile.name);

  const files: PlannedFile[] = [];
  const notes: string[] = [];
  const secretsScript = profile.deployed ? `secrets-${options.name}.sh` : undefined;
  const envContent = renderEnvFile(entries, {
    path: envFile,
    environment: options.name,
    profile: profile.name,
    configModule: options.configModule,
    secretsScript,
  });
  if (existingEnv === null || options.force) files.push({ path: envFile, content: envContent });
  else if (existingEnv !== envContent)
    notes.push(
      `${envFile} exists: kept as it is, its values used (--force rewrites it with them, adding new variables)`,
    );

  const gitignore = ignoreEnvFile(tree.read('.gitignore', 'utf8') ?? undefined, envFile);
  if (gitignore !== undefined) files.push({ path: '.gitignore', content: gitignore, amend: true });

  let flyApp: string | undefined;
  let flyFile: string | undefined;
  let renderGroup: string | undefined;
  let workflow: WorkflowChange | undefined;
  const conflicts: string[] = [];
  if (profile.deployed) {
    if (fly) {
      flyApp = options.flyApp ?? `${fly.app}-${options.name}`;
      flyFile = joinPathFragments(dirname(options.flyConfig), `fly.${options.name}.toml`);
      const text = tree.read(options.flyConfig, 'utf8')!;
      files.push({
        path: flyFile,
        content: renderFlyConfig(text, {
          app: flyApp,
          environment: options.name,
          baseFile: options.flyConfig,
          entries,
          requiredWithoutDefault,
        }),
      });
    } else notes.push(`${options.flyConfig} does not exist: no fly.${options.name}.toml`);

    if (tree.exists(options.renderBlueprint)) {
      const change = addEnvironmentGroup(tree.read(options.renderBlueprint, 'utf8')!, {
        path: options.renderBlueprint,
        environment: options.name,
        template: options.renderGroup,
        entries,
        requiredWithoutDefault,
        force: options.force,
      });
      renderGroup = change.group;
      if (change.kind === 'conflict') conflicts.push(`${options.renderBlueprint} (env group ${change.group})`);
      if (change.kind === 'changed') files.push({ path: options.renderBlueprint, content: change.text, amend: true });
    } else notes.push(`${options.renderBlueprint} does not exist: no Render env group`);

    if (tree.exists(options.composeFile)) {
      const text = tree.read(options.composeFile, 'utf8')!;
      const service = composeServiceFor(text, options.composeFile, projectRoot);
      const path = joinPathFragments(
        dirname(options.composeFile),
        basename(options.composeFile).replace(/(\.ya?ml)$/, `.${options.name}$1`),
      );
      files.push({
        path,
        content: renderComposeOverride({
          service,
          environment: options.name,
          baseFile: options.composeFile,
          envFile,
          entries,
        }),
      });
    } else notes.push(`${options.composeFile} does not exist: no Compose override`);

    if (tree.exists(options.workflow)) {
      workflow = addEnvironmentJob(tree.read(options.workflow, 'utf8')!, {
        path: options.workflow,
        environment: options.name,
        profile,
      });
      if (workflow.kind === 'changed') {
        files.push({ path: options.workflow, content: workflow.text, amend: true });
        notes.push(
          `${options.workflow}: ${workflow.job} copied from ${workflow.template}; review what they take from other jobs (build outputs named after an environment)`,
        );
      }
      if (workflow.kind === 'no-template') {
        notes.push(
          `${options.workflow} has no job for GitHub environment ${workflow.templates.join(' or ')} to copy: add \`environment: ${options.name}\` to the job that deploys it`,
        );
      }
    } else notes.push(`${options.workflow} does not exist: no GitHub environment job (run new-env again once it does)`);

    files.push({
      path: secretsScript!,
      mode: 0o755,
      content: renderSecretsScript({
        environment: options.name,
        envFile,
        secrets: entries.filter((entry) => isSecretVariable(entry.variable)).map((entry) => entry.variable.name),
        required: entries
          .filter((entry) => isSecretVariable(entry.variable) && entry.variable.requiredIn.includes(profile.name))
          .map((entry) => entry.variable.name),
        flyApp,
        flyConfig: flyFile,
        renderGroup,
        githubSecrets: workflow && workflow.kind !== 'no-template' ? workflow.secrets : [],
      }),
    });
  }

  const writes = files.filter((file) => tree.read(file.path, 'utf8') !== file.content);
  conflicts.push(
    ...writes.filter((file) => !file.amend && !options.force && tree.exists(file.path)).map((file) => file.path),
  );
  if (conflicts.length > 0) {
    throw generatorError(
      'new-env',
      `${conflicts.join(', ')} ${conflicts.length === 1 ? 'exists' : 'exist'} and ${conflicts.length === 1 ? 'differs' : 'differ'} from what new-env ${options.name} writes; nothing was written`,
      'compare, then run again with --force (the values of the .env file are kept)',
    );
  }
  for (const file of writes) tree.write(file.path, file.content, file.mode ? { mode: file.mode } : undefined);
  report(options, entries, writes, notes, secretsScript);
}

function assertKnownVariables(variables: readonly VariableDescription[], options: NewEnvOptions): void {
  const byName = new Map(variables.map((v) => [v.name, v]));
  const unknown = [
    ...Object.keys(options.values)
      .filter((name) => !byName.has(name))
      .map((name) => `--values.${name}`),
    ...Object.keys(options.generate)
      .filter((name) => !byName.get(name)?.secret)
      .map((name) => `--generate.${name}`),
  ];
  if (unknown.length > 0) {
    throw generatorError(
      'new-env',
      `${unknown.join(', ')}: not ${unknown.length === 1 ? 'a variable' : 'variables'} of ${options.configModule} (--generate takes secret variables only)`,
      `check the names against ${options.configModule}'s describeVariables()`,
    );
  }
}

/** The file must load with the app's own loader: every problem not about a placeholder is new-env's to fix, not the user's. */
function assertLoads(
  config: Parameters<typeof configProblems>[0],
  entries: readonly EnvEntry[],
  envFile: string,
  profile: string,
): void {
  const placeholders = new Set(entries.filter((entry) => entry.placeholder).map((entry) => entry.variable.name));
  const values = Object.fromEntries(entries.map((entry) => [entry.variable.name, entry.value]));
  const problems = configProblems(config, values, placeholders);
  if (problems.length === 0) return;
  throw generatorError(
    'new-env',
    `the ${envFile} it would write does not load with ENV=${values.ENV ?? profile}: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}; nothing was written`,
    'pass the right values with --values.NAME=…, or fix them in the existing file',
  );
}

function nonEmptyValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== ''));
}

function report(
  options: NewEnvOptions,
  entries: readonly EnvEntry[],
  writes: readonly PlannedFile[],
  notes: readonly string[],
  script: string | undefined,
): void {
  const names = (kind: 'required' | 'optional') =>
    entries.filter((e) => e.placeholder === kind).map((e) => e.variable.name);
  const generated = entries.filter((e) => e.source === 'generated').map((e) => e.variable.name);
  const lines = [
    `new-env ${options.name}: ${writes.length === 0 ? 'nothing to change' : `${writes.length} file(s): ${writes.map((f) => f.path).join(', ')}`}`,
  ];
  if (generated.length > 0) lines.push(`  generated (node:crypto): ${generated.join(', ')}`);
  lines.push(`  to fill in before the app starts: ${names('required').join(', ') || 'nothing'}`);
  if (names('optional').length > 0)
    lines.push(`  optional, each switches something on: ${names('optional').join(', ')}`);
  for (const note of notes) lines.push(`  note: ${note}`);
  if (script) lines.push(`  then publish the secrets: ./${script}`);
  logger.info(lines.join('\n'));
}
