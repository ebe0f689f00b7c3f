/**
 * Image tags as docker/metadata-action computes them from the git state:
 * `type=sha` (sha-<7>), `type=ref,event=branch` (sanitised branch), `type=semver` ({{version}},
 * {{major}}.{{minor}}, {{major}} from a vX.Y.Z tag; prereleases only get {{version}}),
 * `type=raw,value=latest,enable={{is_default_branch}}` and raw tags.
 */
export interface GitState {
  /** Full commit SHA of HEAD. */
  sha: string;
  /** Branch name, or undefined on a detached HEAD. */
  branch?: string;
  /** Git tags pointing at HEAD. */
  tags: string[];
}

export interface TagRules {
  sha: boolean;
  branch: boolean;
  semver: boolean;
  /** `auto`: latest on the default branch only. */
  latest: 'auto' | boolean;
  defaultBranch: string;
  raw: string[];
}

export interface ImageTags {
  /** Tags without image name, in metadata-action's priority order (semver, branch, sha, raw, latest). */
  tags: string[];
  /** What the OCI version label carries: the first tag. */
  version: string;
}

const semverTag = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const validTag = /^[\w][\w.-]{0,127}$/;

export function imageTags(git: GitState, rules: TagRules): ImageTags {
  const tags: string[] = [];
  const add = (tag: string) => {
    if (!tags.includes(tag)) tags.push(tag);
  };
  if (rules.semver) {
    const versions = git.tags.map((t) => semverTag.exec(t)).filter((m): m is RegExpExecArray => m !== null);
    for (const [, major, minor, patch, prerelease] of sortSemverDescending(versions)) {
      add(prerelease ? `${major}.${minor}.${patch}-${prerelease}` : `${major}.${minor}.${patch}`);
      if (!prerelease) {
        add(`${major}.${minor}`);
        add(`${major}`);
      }
    }
  }
  if (rules.branch && git.branch) add(sanitizeTag(git.branch));
  if (rules.sha) add(`sha-${git.sha.slice(0, 7)}`);
  for (const raw of rules.raw) {
    if (!validTag.test(raw))
      throw new Error(`raw tag "${raw}" is not a valid image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
    add(raw);
  }
  const onDefaultBranch = git.branch !== undefined && git.branch === rules.defaultBranch;
  if (rules.latest === true || (rules.latest === 'auto' && onDefaultBranch)) add('latest');
  if (tags.length === 0) throw new Error('no tag rule produced a tag: enable sha, or give a raw tag');
  return { tags, version: tags[0]! };
}

/** metadata-action's sanitisation: anything a tag may not hold becomes `-`, at most 128 characters. */
export function sanitizeTag(ref: string): string {
  const sanitized = ref.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return sanitized.slice(0, 128);
}

function sortSemverDescending(matches: RegExpExecArray[]): RegExpExecArray[] {
  const key = (m: RegExpExecArray) => [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ? 0 : 1];
  return [...matches].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
    return 0;
  });
}

/** `ghcr.io/acme/api` + tags → full references, every image name crossed with every tag. */
export function imageReferences(images: string[], tags: string[]): string[] {
  return images.flatMap((image) => tags.map((tag) => `${image}:${tag}`));
}
