import { joinPathFragments, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import { parseOptions } from '../../src/parse-options.ts';
import { configProblems, loadConfigModule, type VariableDescription } from '../new-env/config-module.ts';
import { readEnvFile, setEnvValues } from '../new-env/env-file.ts';
import { generateSecret } from '../new-env/env-values.ts';
import { generatorError } from '../new-env/errors.ts';
import { readFlyBase } from '../new-env/fly-config.ts';
import { schema, type RotateSecretGeneratorOptions } from './schema.ts';

type Options = ReturnType<typeof schema.parse>;

/**
 * `nx g @shopops/ops:rotate-secret JWT_SECRET --env staging`: the first half of a rotation with double
 * publication (new value current, old value as <NAME>_PREVIOUS, both accepted), or with --finish the second
 * (the previous value removed). The file is checked with the app's loader before it is written.
 */
export default async function rotateSecretGenerator(tree: Tree, rawOptions: RotateSecretGeneratorOptions) {
  const options = parseOptions(schema, rawOptions, 'rotate-secret');
  const { root } = readProjectConfiguration(tree, options.project);
  const config = await loadConfigModule(tree.root, options.configModule);
  const variables = new Map(config.describeVariables().map((v) => [v.name, v]));
  const previousName = `${options.variable}_PREVIOUS`;
  assertRotatable(variables, options, previousName);

  const envFile = joinPathFragments(root, `.env.${options.env}`);
  const text = tree.read(envFile, 'utf8');
  if (text === null) {
    throw generatorError(
      'rotate-secret',
      `${envFile} does not exist, so ${options.variable} of ${options.env} has no value here to rotate`,
      `nx g @shopops/ops:new-env ${options.env} writes it (a new environment needs no rotation)`,
    );
  }
  const values = readEnvFile(text);
  const rotated = options.finish
    ? finish(text, values, options, previousName, envFile)
    : rotate(text, values, options, previousName, envFile);
  if (rotated === undefined) return;

  const after = readEnvFile(rotated);
  const empty = new Set(
    Object.entries(after)
      .filter(([, value]) => value.trim() === '')
      .map(([name]) => name),
  );
  const problems = configProblems(config, after, empty);
  if (problems.length > 0) {
    throw generatorError(
      'rotate-secret',
      `${envFile} would not load after the rotation: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}; nothing was written`,
      'fix those variables in the file first',
    );
  }
  tree.write(envFile, rotated);
  logger.info(steps(tree, options, previousName, envFile, after, variables));
}

function assertRotatable(variables: Map<string, VariableDescription>, options: Options, previousName: string): void {
  const variable = variables.get(options.variable);
  const secrets = [...variables.values()].filter((v) => v.secret && !v.name.endsWith('_PREVIOUS')).map((v) => v.name);
  if (!variable?.secret) {
    throw generatorError(
      'rotate-secret',
      `${options.variable} is ${variable ? 'not a secret' : 'not a variable'} of ${options.configModule}: only secrets are rotated`,
      `rotate one of ${secrets.join(', ')}`,
    );
  }
  if (!variables.has(previousName)) {
    throw generatorError(
      'rotate-secret',
      `${options.configModule} has no ${previousName}: during a rotation the app could not accept what the previous ${options.variable} signed`,
      `make the app accept ${previousName} beside ${options.variable} (verify with either, sign with the current), then rotate`,
    );
  }
}

function rotate(
  text: string,
  values: Record<string, string>,
  options: Options,
  previousName: string,
  envFile: string,
): string {
  const current = values[options.variable]?.trim();
  if (!current) {
    throw generatorError(
      'rotate-secret',
      `${options.variable} is empty in ${envFile}: there is no value to rotate`,
      `fill it in (or nx g @shopops/ops:new-env ${options.env} --force generates it)`,
    );
  }
  if (values[previousName]?.trim() && !options.force) {
    throw generatorError(
      'rotate-secret',
      `a rotation of ${options.variable} is in progress: ${previousName} is set in ${envFile}`,
      `finish it first (--finish, once the longest token lifetime has passed), or --force drops the value ${previousName} holds`,
    );
  }
  return setEnvValues(
    text,
    { [options.variable]: generateSecret(options.bytes), [previousName]: current },
    options.variable,
  );
}

function finish(
  text: string,
  values: Record<string, string>,
  options: Options,
  previousName: string,
  envFile: string,
): string | undefined {
  if (!values[previousName]?.trim()) {
    logger.info(
      `rotate-secret ${options.variable}: no rotation in progress (${previousName} is empty in ${envFile}); nothing to finish`,
    );
    return undefined;
  }
  return setEnvValues(text, { [previousName]: '' });
}

function steps(
  tree: Tree,
  options: Options,
  previousName: string,
  envFile: string,
  values: Record<string, string>,
  variables: Map<string, VariableDescription>,
): string {
  const script = `secrets-${options.env}.sh`;
  const flyConfig = `fly.${options.env}.toml`;
  const app = tree.exists(flyConfig) ? readFlyBase(tree.read(flyConfig, 'utf8')!, flyConfig).app : '<app>';
  const publish = tree.exists(script)
    ? `./${script}`
    : `grep -E '^(${options.variable}|${previousName})=.' ${envFile} | fly secrets import --app ${app} --stage`;
  const deploy = tree.exists(flyConfig) ? `fly deploy --config ${flyConfig}` : 'deploy';
  const command = `nx g @shopops/ops:rotate-secret ${options.variable} --env ${options.env}`;
  if (options.finish) {
    return [
      `rotate-secret ${options.variable} (${options.env}): ${previousName} emptied in ${envFile}.`,
      `  1. remove it where it is published: fly secrets unset ${previousName} --app ${app} --stage (Render: delete it on the service; GitHub: gh secret delete ${previousName} --env ${options.env} if set)`,
      `  2. ${deploy}: from then on only the current ${options.variable} verifies.`,
    ].join('\n');
  }
  const lifetimeName = options.lifetimeVariable;
  const lifetime = lifetimeName ? values[lifetimeName]?.trim() || variables.get(lifetimeName)?.default : undefined;
  const wait = lifetimeName
    ? `${lifetimeName}${lifetime ? `, ${lifetime}` : ''}`
    : 'the longest lifetime of anything signed with it';
  return [
    `rotate-secret ${options.variable} (${options.env}): ${envFile} has a new ${options.variable}; the previous value is now ${previousName}.`,
    `  1. publish both: ${publish}, then ${deploy}. Every instance signs with the new value and accepts both.`,
    `  2. wait for the longest token lifetime (${wait}) after that deploy: what the previous value signed has expired.`,
    `  3. ${command} --finish, remove ${previousName} where it is published, and deploy again.`,
  ].join('\n');
}
