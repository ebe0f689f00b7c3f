import ignore from 'ignore';

/**
 * .gitignore with the environment file ignored: unchanged when a pattern already covers it (`.env.*`),
 * else with a line for it appended. Matching uses the same rules as git (the `ignore` package).
 */
export function ignoreEnvFile(gitignore: string | undefined, envFile: string): string | undefined {
  const text = gitignore ?? '';
  // The package is CommonJS with its function also on `.default`, the one spelling every loader agrees on.
  if (ignore.default().add(text).ignores(envFile)) return undefined;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}# Holds secrets (nx g @shopops/ops:new-env)\n/${envFile}\n`;
}
