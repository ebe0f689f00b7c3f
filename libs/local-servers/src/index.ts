export { startPostgres, type StartPostgresOptions, type TestPostgres } from './postgres.ts';
export { findPostgresBinDir } from './postgres-binaries.ts';
export { postgresUserPasses, ROOT_STATE_DIR } from './postgres-user.ts';
export { embeddedPostgresBinDir } from './embedded-postgres.ts';
export { freePort } from './free-port.ts';
export { startS3Server, type TestS3Server } from './s3.ts';
export { devApiEnvironment, type ApiEnvironmentOptions } from './api-environment.ts';
