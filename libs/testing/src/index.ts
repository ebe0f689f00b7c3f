export { startPostgres, type TestPostgres } from './postgres.ts';
export { findPostgresBinDir } from './postgres-binaries.ts';
export { freePort } from './free-port.ts';
