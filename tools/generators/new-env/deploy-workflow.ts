import { Document, isMap, isScalar, parseDocument, Scalar, visit, YAMLMap, type Node, type Pair } from 'yaml';
import { spliceItem } from './yaml-splice.ts';
import type { Profile } from './profiles.ts';

export type WorkflowChange =
  | { kind: 'unchanged'; job: string; secrets: string[] }
  | { kind: 'changed'; job: string; secrets: string[]; text: string; template: string }
  | { kind: 'no-template'; templates: string[] };

/** GitHub environments of the profiles, as deploy workflows usually name them. */
const TEMPLATE_ENVIRONMENTS: Record<Profile['name'], string[]> = {
  dev: [],
  staging: ['staging'],
  prod: ['production', 'prod'],
};

/**
 * Gives the environment its jobs in the deploy workflow: the jobs of its profile's environment (staging or
 * production: the deploy, its smoke check) copied with `environment:` set to it, so their secrets are the
 * GitHub environment's own, and `needs:` pointing at each other's copies. A workflow with a job for the
 * environment already is left as it is.
 */
export function addEnvironmentJob(
  text: string,
  options: { path: string; environment: string; profile: Profile },
): WorkflowChange {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new Error(`${options.path}: ${document.errors[0]!.message}`);
  const jobs = document.get('jobs');
  if (!isMap(jobs)) throw new Error(`${options.path} has no jobs`);
  const pairs = (jobs.items as Pair<unknown, unknown>[]).flatMap((pair) =>
    isMap(pair.value) ? [{ key: String(isScalar(pair.key) ? pair.key.value : pair.key), value: pair.value }] : [],
  );
  const aliases = options.environment === 'prod' ? ['prod', 'production'] : [options.environment];
  const own = pairs.filter((pair) => aliases.includes(environmentOf(pair.value) ?? ''));
  if (own.length > 0) {
    const secrets = [...new Set(own.flatMap((pair) => secretsOf(pair.value)))].sort();
    return { kind: 'unchanged', job: own.map((pair) => pair.key).join(', '), secrets };
  }

  const templates = TEMPLATE_ENVIRONMENTS[options.profile.name];
  const templateEnvironment = templates.find((name) => pairs.some((pair) => environmentOf(pair.value) === name));
  if (!templateEnvironment) return { kind: 'no-template', templates };
  const copied = pairs.filter((pair) => environmentOf(pair.value) === templateEnvironment);
  const renamed = new Map(
    copied.map(({ key }) => [
      key,
      key.includes(templateEnvironment)
        ? key.replace(templateEnvironment, options.environment)
        : `${key}-${options.environment}`,
    ]),
  );
  const fragment = new Document(new YAMLMap());
  const secrets = new Set<string>();
  for (const { key, value } of copied) {
    const job = retarget(value.clone() as YAMLMap, templateEnvironment, options.environment, renamed);
    for (const secret of secretsOf(job)) secrets.add(secret);
    const jobKey = new Scalar(renamed.get(key)!);
    jobKey.commentBefore = ` The ${options.environment} environment: ${key} copied by \`nx g @shopops/ops:new-env ${options.environment}\`.`;
    (fragment.contents as YAMLMap).set(jobKey, job);
  }
  const lines = fragment.toString({ lineWidth: 0, flowCollectionPadding: false }).trimEnd().split('\n');
  const changed = spliceItem(
    text,
    (jobs.items as Pair<Node, Node>[]).map((pair) => pairNode(pair)),
    lines,
  );

  const expected = document.toJSON() as { jobs: Record<string, unknown> };
  Object.assign(expected.jobs, fragment.toJSON());
  if (JSON.stringify(parseDocument(changed).toJSON()) !== JSON.stringify(expected)) {
    throw new Error(
      `adding the ${options.environment} jobs would change more of ${options.path} than those jobs; nothing was written`,
    );
  }
  const names = [...renamed.values()];
  return {
    kind: 'changed',
    job: names.join(', '),
    secrets: [...secrets].sort(),
    text: changed,
    template: [...renamed.keys()].join(', '),
  };
}

/** A copied job deploys the new environment, and waits for the copies of the jobs its original waited for. */
function retarget(job: YAMLMap, from: string, to: string, renamed: ReadonlyMap<string, string>): YAMLMap {
  // The environment's name in the job's strings (its name, artifact and report names, job ids in needs)
  // becomes the new one's, so two environments' runs never share an artifact name.
  const word = new RegExp(`\\b${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g');
  visit(job, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      node.value = renamed.get(node.value) ?? node.value.replace(word, to);
    },
  });
  const environment: unknown = job.get('environment', true);
  if (isMap(environment)) environment.set('name', to);
  else job.set('environment', to);
  return job;
}

/** A job's whole text span, key included: its key's start to its value's end. */
function pairNode(pair: Pair<Node, Node>): Node {
  const start = pair.key.range![0];
  const end = pair.value!.range!;
  return { range: [start, end[1], end[2]] } as unknown as Node;
}

function environmentOf(job: unknown): string | undefined {
  if (!isMap(job)) return undefined;
  const environment: unknown = job.get('environment', true);
  if (isScalar(environment)) return String(environment.value);
  if (isMap(environment)) return String(environment.get('name'));
  return undefined;
}

/** The repository or environment secrets a job reads (`${{ secrets.NAME }}`), GitHub's own token aside. */
function secretsOf(job: YAMLMap): string[] {
  const names = new Set<string>();
  for (const match of JSON.stringify(job.toJSON()).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (match[1] !== 'GITHUB_TOKEN') names.add(match[1]!);
  }
  return [...names].sort();
}
