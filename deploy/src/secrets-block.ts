import { describeVariables, variableMeta, type VariableDescription } from '@shopops/config';

export const BLOCK_START =
  '<!-- secrets:start: generated from libs/config by `npx tsx deploy/src/deploy-docs.ts --write`; do not edit -->';
export const BLOCK_END = '<!-- secrets:end -->';
export const REGENERATE = 'npx tsx deploy/src/deploy-docs.ts --write';

/** A variable whose value must never be in a committed file: a secret, or a URL that carries a password. */
export function isSecretVariable(variable: VariableDescription): boolean {
  return variable.secret || variableMeta(variable.name).urlWithCredentials === true;
}

/** The API's secret variables that prod cannot start without, in schema order. */
export function requiredSecrets(): VariableDescription[] {
  return describeVariables().filter((v) => isSecretVariable(v) && v.requiredIn.includes('prod'));
}

export function optionalSecrets(): VariableDescription[] {
  return describeVariables().filter((v) => isSecretVariable(v) && !v.requiredIn.includes('prod'));
}

/** How to produce each required secret's value, where a command can. */
function placeholder(variable: VariableDescription): string {
  if (variable.name === 'JWT_SECRET') return '"$(openssl rand -base64 48)"';
  return `'<${variable.name.toLowerCase().replaceAll('_', '-')}>'`;
}

/** The generated part of docs/DEPLOY.md: `fly secrets set` for the app in fly.toml, and the full list. */
export function renderSecretsBlock(flyApp: string): string {
  const required = requiredSecrets();
  const lines = [
    BLOCK_START,
    // Prettier would realign the table; the generator is what formats this block.
    '<!-- prettier-ignore-start -->',
    '```sh',
    `fly secrets set --app ${flyApp} --stage \\`,
    ...required.map((v, i) => `  ${v.name}=${placeholder(v)}${i === required.length - 1 ? '' : ' \\'}`),
    '```',
    '',
    '| Variable | In prod | What |',
    '| -------- | ------- | ---- |',
    ...[...required, ...optionalSecrets()].map(
      (v) =>
        `| \`${v.name}\` | ${v.requiredIn.includes('prod') ? 'required' : 'optional'} | ${v.description.replaceAll('|', '\\|')} |`,
    ),
    '<!-- prettier-ignore-end -->',
    BLOCK_END,
  ];
  return lines.join('\n');
}

/** The document with its block replaced; throws when the markers are missing. */
export function withSecretsBlock(document: string, block: string): string {
  const start = document.indexOf(BLOCK_START);
  const end = document.indexOf(BLOCK_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`the secrets block markers are missing (${BLOCK_START} … ${BLOCK_END})`);
  }
  return document.slice(0, start) + block + document.slice(end + BLOCK_END.length);
}
