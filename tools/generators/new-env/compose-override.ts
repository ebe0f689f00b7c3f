import { parse, stringify } from 'yaml';
import type { EnvEntry } from './env-values.ts';

interface ComposeService {
  build?: string | { context?: string; dockerfile?: string };
}

/** The Compose service that runs the project: the one built from a Dockerfile in the project's folder. */
export function composeServiceFor(text: string, path: string, projectRoot: string): string {
  const compose = (parse(text) ?? {}) as { services?: Record<string, ComposeService> };
  const inProject = (file: string | undefined) =>
    file !== undefined && (file === projectRoot || file.startsWith(`${projectRoot}/`));
  for (const [name, service] of Object.entries(compose.services ?? {})) {
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    if (!build) continue;
    const context = (build.context ?? '.').replace(/^\.\/?/, '');
    const dockerfile = build.dockerfile && (context ? `${context}/${build.dockerfile}` : build.dockerfile);
    if (inProject(context) || inProject(dockerfile)) return name;
  }
  throw new Error(`${path} has no service built from ${projectRoot}; pass --composeFile, or add the service`);
}

/**
 * docker-compose.<env>.yml: the local stack with this environment's settings, for a rehearsal before a
 * deploy. The service reads the environment file (its secrets stay out of the committed override), while
 * the base file's `environment:` keeps it on the stack's own database and storage.
 */
export function renderComposeOverride(options: {
  service: string;
  environment: string;
  baseFile: string;
  envFile: string;
  entries: readonly EnvEntry[];
}): string {
  const settings = Object.fromEntries(
    options.entries.filter((entry) => entry.rule === 'profile').map((entry) => [entry.variable.name, entry.value]),
  );
  const banner = [
    `# Local rehearsal of the ${options.environment} environment, written by \`nx g @shopops/ops:new-env ${options.environment}\`:`,
    `#   docker compose -f ${options.baseFile} -f docker-compose.${options.environment}.yml up --detach --wait`,
    `# ${options.service} reads ${options.envFile} (never committed) and runs with ${options.environment}'s settings;`,
    `# the database and storage stay those of ${options.baseFile}.`,
  ];
  const body = { services: { [options.service]: { env_file: [options.envFile], environment: settings } } };
  return `${banner.join('\n')}\n${stringify(body)}`;
}
