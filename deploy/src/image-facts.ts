import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { DockerfileParser, From, type Instruction } from 'dockerfile-ast';

/** What a Dockerfile's final stage says about the running container, read with a real Dockerfile parser. */
export interface ImageFacts {
  exposedPorts: number[];
  /** ENV of the final stage, as the container starts with it (build arguments left as written). */
  env: Record<string, string>;
  stopSignal: string | undefined;
  /** Image path → build-context path, for every file the final stage copies in (following COPY --from). */
  contextPathOf(imagePath: string): string | undefined;
  /** The command on PATH at /usr/local/bin/<name> or /usr/bin/<name>, as the context file it was copied from. */
  executable(name: string): string | undefined;
}

interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

interface Stage {
  name: string | undefined;
  instructions: Instruction[];
}

export function readImageFacts(dockerfilePath: string): ImageFacts {
  return imageFacts(readFileSync(dockerfilePath, 'utf8'));
}

export function imageFacts(text: string): ImageFacts {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction instanceof From) stages.push({ name: instruction.getBuildStage() ?? undefined, instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  const final = stages.at(-1);
  if (!final) throw new Error('the Dockerfile has no FROM instruction');
  const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);

  const env: Record<string, string> = {};
  for (const instruction of of(final, 'ENV')) Object.assign(env, envPairs(instruction));

  const contextPathIn = (stage: Stage, imagePath: string): string | undefined => {
    for (const copy of of(stage, 'COPY').map(copyOf).reverse()) {
      for (const source of copy.sources) {
        const relative = mappedPath(source, copy.destination, imagePath);
        if (relative === undefined) continue;
        if (!copy.from) return relative;
        const origin = stages.find((s) => s.name === copy.from);
        return origin ? contextPathIn(origin, relative) : undefined;
      }
    }
    return undefined;
  };

  return {
    exposedPorts: of(final, 'EXPOSE').flatMap((i) => i.getArguments().map((a) => Number.parseInt(a.getValue(), 10))),
    env,
    stopSignal: of(final, 'STOPSIGNAL')[0]?.getArguments()[0]?.getValue(),
    contextPathOf: (imagePath) => contextPathIn(final, imagePath),
    executable: (name) =>
      ['/usr/local/bin', '/usr/bin', '/bin'].map((dir) => contextPathIn(final, `${dir}/${name}`)).find(Boolean),
  };
}

/** The parser does not always type COPY as its Copy class, so flags are read from the words themselves. */
function copyOf(instruction: Instruction): Copy {
  const words = instruction.getArguments().map((a) => a.getValue());
  type Flag = { getName(): string; getValue(): string | null };
  const flags = (instruction as { getFlags?: () => Flag[] }).getFlags?.() ?? [];
  const from =
    words.find((w) => w.startsWith('--from='))?.slice('--from='.length) ??
    flags.find((f) => f.getName() === 'from')?.getValue() ??
    undefined;
  const paths = words.filter((w) => !w.startsWith('--'));
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
}

/**
 * Where `imagePath` came from when `COPY source destination` put it there: a file copied onto a file, or
 * a path under a copied directory (a trailing slash, as this repository's Dockerfiles write directories).
 */
function mappedPath(source: string, destination: string, imagePath: string): string | undefined {
  if (destination.endsWith('/') && source.endsWith('/')) {
    return imagePath.startsWith(destination) ? posix.join(source, imagePath.slice(destination.length)) : undefined;
  }
  if (destination.endsWith('/'))
    return imagePath === posix.join(destination, posix.basename(source)) ? source : undefined;
  return imagePath === destination ? source : undefined;
}

/** ENV NAME=value pairs, quotes removed; values with spaces are quoted, so the line is split on unquoted spaces. */
function envPairs(instruction: Instruction): Record<string, string> {
  const text = instruction.getArgumentsContent() ?? '';
  const pairs: Record<string, string> = {};
  for (const [, name, quoted, plain] of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g)) {
    pairs[name!] = quoted ?? plain ?? '';
  }
  return pairs;
}
