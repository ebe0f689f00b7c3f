import { execa } from 'execa';
import type { GitState } from './image-tags.ts';

export interface GitFacts extends GitState {
  /** URL of the `origin` remote, when there is one. */
  remote?: string;
}

/**
 * HEAD's commit, branch and tags. In GitHub Actions a checkout is often detached, so the
 * runner's GITHUB_SHA / GITHUB_REF_NAME / GITHUB_REF_TYPE win, as in docker/metadata-action.
 */
export async function readGitState(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<GitFacts> {
  const git = async (...args: string[]) => {
    const result = await execa('git', args, { cwd, reject: false });
    return result.exitCode === 0 ? result.stdout.trim() : undefined;
  };
  const sha = env.GITHUB_SHA || (await git('rev-parse', 'HEAD'));
  if (!sha)
    throw new Error(`${cwd} is not a git checkout with a commit: tags and labels need one (git init && git commit)`);
  const refName = env.GITHUB_REF_NAME;
  const refType = env.GITHUB_REF_TYPE;
  const branch =
    refName && refType === 'branch'
      ? refName
      : refName
        ? undefined
        : await git('symbolic-ref', '--short', '-q', 'HEAD');
  const pointing = (await git('tag', '--points-at', sha))?.split('\n').filter(Boolean) ?? [];
  const tags = refName && refType === 'tag' ? [refName, ...pointing.filter((t) => t !== refName)] : pointing;
  const remote = await git('remote', 'get-url', 'origin');
  return { sha, branch: branch || undefined, tags, remote };
}
