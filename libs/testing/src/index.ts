export { query } from './query.ts';
export { sampleClientSessions, type SessionSampler } from './postgres-sessions.ts';
export { scratchDir } from './scratch-dir.ts';
export { nxEnv, runNx } from './nx-cli.ts';
export { containerGate, dockerProblem, waitForHealthy, removeContainers, type ContainerGate } from './docker.ts';
export {
  createFreshWorkspace,
  packPublishedPackages,
  tarballFiles,
  type FreshWorkspace,
  type PublishedPackage,
} from './fresh-workspace.ts';
export { withDistLock } from './dist-lock.ts';
export { copyWorkspace, type WorkspaceCopy } from './workspace-copy.ts';
export * from './fly-machines/index.ts';
