export { startPostgres, type TestPostgres } from './postgres.ts';
export { findPostgresBinDir } from './postgres-binaries.ts';
export { embeddedPostgresBinDir } from './embedded-postgres.ts';
export { freePort } from './free-port.ts';
export { query } from './query.ts';
export { scratchDir } from './scratch-dir.ts';
export { nxEnv, runNx } from './nx-cli.ts';
export { startS3Server, type TestS3Server } from './s3.ts';
export { containerGate, dockerProblem, waitForHealthy, removeContainers, type ContainerGate } from './docker.ts';
