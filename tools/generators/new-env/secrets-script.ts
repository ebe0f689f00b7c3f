export interface SecretsScriptOptions {
  environment: string;
  /** The environment file, relative to the workspace root (where the script lives). */
  envFile: string;
  /** Variables published as platform secrets. */
  secrets: readonly string[];
  /** Those of them the app cannot start without: reported while still empty. */
  required: readonly string[];
  flyApp: string | undefined;
  flyConfig: string | undefined;
  renderGroup: string | undefined;
  /** Secrets the deploy workflow's job reads from the GitHub environment. */
  githubSecrets: readonly string[];
}

/**
 * secrets-<env>.sh: committed, holds names only. It reads the values from the environment file when it runs
 * and hands them to `fly secrets import` on stdin, so no value is ever an argument, an echo or a log line.
 */
export function renderSecretsScript(options: SecretsScriptOptions): string {
  const { environment, envFile } = options;
  const script = `secrets-${environment}.sh`;
  const lines = [
    '#!/usr/bin/env bash',
    `# Publishes the secrets of ${envFile} (written by \`nx g @shopops/ops:new-env ${environment}\`, never`,
    '# committed) without printing a value: to Fly.io through `fly secrets import` (staged: they apply with the',
    '# next deploy), and says what to set on Render and in the GitHub environment. Names only in this file.',
    'set -euo pipefail',
    'cd "$(dirname "${BASH_SOURCE[0]}")"',
    '',
    `env_file='${envFile}'`,
    `secrets=(${options.secrets.join(' ')})`,
    `required=(${options.required.join(' ')})`,
    '',
    'if [[ ! -f $env_file ]]; then',
    `  echo "${script}: $env_file does not exist" >&2`,
    `  echo "  remedy: nx g @shopops/ops:new-env ${environment} writes it" >&2`,
    '  exit 1',
    'fi',
    '',
    '# NAME=value lines of the secrets that have a value, and the required ones still empty.',
    'alternatives() { local IFS="|"; echo "$*"; }',
    'filled=$(grep -E "^($(alternatives "${secrets[@]}"))=." "$env_file" || true)',
    'empty=$(grep -E "^($(alternatives "${required[@]}"))=\\$" "$env_file" | cut -d= -f1 | paste -sd" " - || true)',
    'if [[ -n $empty ]]; then',
    `  echo "${script}: still empty in $env_file: $empty" >&2`,
    '  echo "  remedy: fill them in (the FILL IN lines), then run this again" >&2',
    'fi',
    '',
  ];
  if (options.flyApp) {
    lines.push(
      'if [[ -n $filled ]]; then',
      `  printf '%s\\n' "$filled" | fly secrets import --app '${options.flyApp}' --stage`,
      `  echo "Fly: $(printf '%s\\n' "$filled" | wc -l | tr -d ' ') secrets staged on ${options.flyApp}; they apply with: fly deploy --config ${options.flyConfig}"`,
      'fi',
    );
  }
  lines.push(
    `echo "Render${options.renderGroup ? ` (settings: env group ${options.renderGroup})` : ''}: Dashboard, the ${environment} service, Environment, Add from .env:"`,
    'echo "  paste the lines of ${secrets[*]} from $env_file there (this script does not print them)"',
  );
  if (options.githubSecrets.length > 0) {
    lines.push(
      `echo "GitHub environment ${environment}: gh prompts for each value without echoing it:"`,
      ...options.githubSecrets.map((name) => `echo "  gh secret set ${name} --env ${environment}"`),
    );
  } else {
    lines.push(`echo "GitHub environment ${environment}: the deploy workflow reads no secrets of it"`);
  }
  return lines.join('\n') + '\n';
}
