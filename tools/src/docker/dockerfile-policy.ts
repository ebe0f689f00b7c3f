import { DockerfileParser, type Dockerfile, type From, type Instruction } from 'dockerfile-ast';
import { isIgnored, parseDockerignore } from './dockerignore.ts';

export const policyRules = [
  'non-root-user',
  'healthcheck',
  'secret-in-env',
  'unpinned-base-image',
  'dockerignore',
] as const;
export type PolicyRule = (typeof policyRules)[number];

export interface PolicyFinding {
  rule: PolicyRule;
  /** 1-based line in the Dockerfile, when the finding points at one. */
  line?: number;
  message: string;
}

export interface PolicyInput {
  dockerfile: string;
  /** Content of the ignore file the engine will use, or undefined when there is none. */
  dockerignore?: string;
  /** Build arguments given for this build: they decide what `FROM ${NODE_IMAGE}` resolves to. */
  buildArgs?: Record<string, string>;
  /** The project being built, relative to the build context: its own .env files must stay out too. */
  projectRoot?: string;
}

const secretName = /(SECRET|PASSW(OR)?D|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)/i;
/** Paths that must never reach the build context: the repository and local environment files. */
function mustIgnore(projectRoot: string | undefined): string[] {
  const inProject = projectRoot && projectRoot !== '.' ? [`${projectRoot}/.env`, `${projectRoot}/.env.production`] : [];
  return ['.git', '.env', '.env.dev', '.env.production', ...inProject];
}

/** Checks a Dockerfile (parsed, with its stages, continuations and variables) against the image policy. */
export function checkDockerfilePolicy(input: PolicyInput): PolicyFinding[] {
  const dockerfile = DockerfileParser.parse(input.dockerfile);
  const stages = buildStages(dockerfile);
  if (stages.length === 0) return [{ rule: 'unpinned-base-image', message: 'the Dockerfile has no FROM instruction' }];
  const globalArgs = globalArgDefaults(dockerfile, input.buildArgs ?? {});
  const findings: PolicyFinding[] = [
    ...baseImageFindings(stages, globalArgs),
    ...secretFindings(dockerfile),
    ...finalStageFindings(stages, globalArgs),
    ...dockerignoreFindings(input.dockerignore, input.projectRoot),
  ];
  return findings.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

interface Stage {
  from: From;
  instructions: Instruction[];
}

/** Every FROM opens a stage that holds the instructions up to the next FROM. */
function buildStages(dockerfile: Dockerfile): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') stages.push({ from: instruction as From, instructions: [] });
    else stages[stages.length - 1]?.instructions.push(instruction);
  }
  return stages;
}

function line(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

/** ARGs before the first FROM: their defaults, overridden by the build's --build-arg values. */
function globalArgDefaults(dockerfile: Dockerfile, buildArgs: Record<string, string>): Map<string, string> {
  const values = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (!property) continue;
    const name = property.getName();
    const value = buildArgs[name] ?? property.getUnescapedValue() ?? undefined;
    if (value !== undefined) values.set(name, expand(value, values));
  }
  return values;
}

function expand(text: string, variables: Map<string, string>): string {
  return text.replace(/\$\{(\w+)(?::?([-+])([^}]*))?\}|\$(\w+)/g, (_all, braced, op, word, bare) => {
    const value = variables.get(braced ?? bare);
    if (op === '-') return value ? value : word;
    if (op === '+') return value ? word : '';
    return value ?? '';
  });
}

function fromReference(stage: Stage, globalArgs: Map<string, string>): string {
  const from = stage.from;
  const image = from.getArguments().find((argument) => !argument.getValue().startsWith('--'));
  return expand(image?.getValue() ?? '', globalArgs);
}

function baseImageFindings(stages: Stage[], globalArgs: Map<string, string>): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const earlierStages = new Set<string>();
  for (const stage of stages) {
    const from = stage.from;
    const reference = fromReference(stage, globalArgs);
    const isStage = earlierStages.has(reference.toLowerCase());
    const name = from.getBuildStage();
    if (name) earlierStages.add(name.toLowerCase());
    if (isStage || reference === 'scratch') continue;
    const { tag, digest } = splitReference(reference);
    if (!reference) {
      findings.push({
        rule: 'unpinned-base-image',
        line: line(from),
        message: 'FROM names no image (an ARG without a default?)',
      });
    } else if (!digest && (!tag || tag === 'latest')) {
      findings.push({
        rule: 'unpinned-base-image',
        line: line(from),
        message: `base image ${reference} is not pinned: name a version tag (not latest) or a digest`,
      });
    }
  }
  return findings;
}

export function splitReference(reference: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = reference.split('@', 2) as [string, string | undefined];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon === -1) return { name: withoutDigest, digest };
  return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
}

function secretFindings(dockerfile: Dockerfile): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword !== 'ENV' && keyword !== 'ARG') continue;
    const properties =
      'getProperties' in instruction
        ? (instruction as unknown as { getProperties(): { getName(): string }[] }).getProperties()
        : [(instruction as unknown as { getProperty(): { getName(): string } | null }).getProperty()];
    for (const property of properties) {
      const name = property?.getName();
      if (name && secretName.test(name)) {
        findings.push({
          rule: 'secret-in-env',
          line: line(instruction),
          message: `${keyword} ${name} looks like a secret: it would be stored in the image; use a build secret (--secret) or runtime environment`,
        });
      }
    }
  }
  return findings;
}

/** USER and HEALTHCHECK of the final stage, following `FROM <earlier stage>` inheritance. */
function finalStageFindings(stages: Stage[], globalArgs: Map<string, string>): PolicyFinding[] {
  const byName = new Map<string, Stage>();
  for (const stage of stages) {
    const name = stage.from.getBuildStage();
    if (name) byName.set(name.toLowerCase(), stage);
  }
  const final = stages[stages.length - 1]!;
  const lineage: Stage[] = [];
  for (let stage: Stage | undefined = final; stage && !lineage.includes(stage);) {
    lineage.unshift(stage);
    stage = byName.get(fromReference(stage, globalArgs).toLowerCase());
  }
  let user: { value: string; line: number } | undefined;
  let healthcheck: { none: boolean; line: number } | undefined;
  for (const stage of lineage) {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() === 'USER') {
        user = { value: expand(instruction.getArgumentsContent() ?? '', globalArgs).trim(), line: line(instruction) };
      } else if (instruction.getKeyword() === 'HEALTHCHECK') {
        const none = instruction.getArguments()[0]?.getValue().toUpperCase() === 'NONE';
        healthcheck = { none, line: line(instruction) };
      }
    }
  }
  const findings: PolicyFinding[] = [];
  const finalLine = line(final.from);
  if (!user) {
    findings.push({
      rule: 'non-root-user',
      line: finalLine,
      message: 'the final stage sets no USER, so it runs as root',
    });
  } else if (/^(root|0)(:.*)?$/.test(user.value)) {
    findings.push({
      rule: 'non-root-user',
      line: user.line,
      message: `the final stage runs as root (USER ${user.value})`,
    });
  }
  if (!healthcheck || healthcheck.none) {
    findings.push({
      rule: 'healthcheck',
      line: healthcheck?.line ?? finalLine,
      message: 'the final stage has no HEALTHCHECK',
    });
  }
  return findings;
}

function dockerignoreFindings(dockerignore: string | undefined, projectRoot: string | undefined): PolicyFinding[] {
  if (dockerignore === undefined) {
    return [{ rule: 'dockerignore', message: 'no .dockerignore: .git and .env files would be sent to the build' }];
  }
  const rules = parseDockerignore(dockerignore);
  const leaked = mustIgnore(projectRoot).filter((path) => !isIgnored(rules, path));
  if (leaked.length === 0) return [];
  return [
    { rule: 'dockerignore', message: `.dockerignore does not exclude ${leaked.join(', ')} (add .git and **/.env*)` },
  ];
}
