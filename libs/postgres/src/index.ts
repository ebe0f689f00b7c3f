export { MASK, maskSecrets } from './mask.ts';
export { EXPECTED_FORM, parsePostgresUrl, PostgresUrlError, type PostgresUrl } from './url.ts';
export { connect, withClient, isMissingDatabase, PostgresConnectError, type SessionOptions } from './connect.ts';
export { createDatabaseIfMissing, urlForDatabase, type CreateDatabaseOptions } from './database.ts';
