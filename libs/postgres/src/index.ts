export { MASK, maskSecrets } from './mask.ts';
export { EXPECTED_FORM, parsePostgresUrl, PostgresUrlError, type PostgresUrl } from './url.ts';
