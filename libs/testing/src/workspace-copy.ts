import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { scratchDir } from './scratch-dir.ts';

const workspaceRoot = resolve(import.meta.dirname, '../../..');

export interface WorkspaceCopy {
  root: string;
  /** Runs git in the copy; an author is set, so commits work on machines without a git identity. */
  git(args: string[]): Promise<string>;
  /** Commits everything in the copy with this message and returns the new HEAD. */
  commitAll(message: string): Promise<string>;
}

/**
 * This workspace as git sees it (tracked files plus untracked ones that are not ignored, as they are
 * in the working tree now) in a new repository with one commit, beside this checkout's node_modules
 * (linked, see linkNodeModules): a place to make commits and run nx against them without touching the
 * checkout, its git state or its cache.
 */
export async function copyWorkspace(prefix = 'workspace-copy-'): Promise<WorkspaceCopy> {
  const root = scratchDir(prefix);
  const { stdout } = await execa('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: workspaceRoot,
  });
  for (const file of stdout.split('\0')) {
    // A tracked file deleted in the working tree is not part of the workspace any more.
    if (!file || !existsSync(join(workspaceRoot, file))) continue;
    mkdirSync(join(root, dirname(file)), { recursive: true });
    cpSync(join(workspaceRoot, file), join(root, file), { verbatimSymlinks: true });
  }
  linkNodeModules(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'));
  const identity = {
    GIT_AUTHOR_NAME: 'workspace copy',
    GIT_AUTHOR_EMAIL: 'copy@example.invalid',
    GIT_COMMITTER_NAME: 'workspace copy',
    GIT_COMMITTER_EMAIL: 'copy@example.invalid',
  };
  const git = async (args: string[]) =>
    (await execa('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: root, env: identity })).stdout;
  await git(['init', '--quiet', '--initial-branch=main']);
  const commitAll = async (message: string) => {
    await git(['add', '--all']);
    await git(['commit', '--quiet', '--allow-empty', '--message', message]);
    return git(['rev-parse', 'HEAD']);
  };
  await commitAll('the workspace as copied');
  return { root, git, commitAll };
}

/**
 * node_modules of the copy: every package a symlink to this checkout's, except the workspace's own
 * packages (npm's relative links such as @shopops/config -> ../../libs/config), which are linked the same
 * way inside the copy. A symlink to the whole folder would resolve `@shopops/config` to this checkout's
 * libs/config, outside the copy: Nx would then see no dependency on it and the graph would lose its edges.
 */
function linkNodeModules(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    if (entry.startsWith('@') && lstatSync(source).isDirectory()) {
      linkNodeModules(source, join(to, entry));
    } else if (lstatSync(source).isSymbolicLink() && !readlinkSync(source).startsWith('/')) {
      symlinkSync(readlinkSync(source), join(to, entry));
    } else {
      symlinkSync(source, join(to, entry));
    }
  }
}
