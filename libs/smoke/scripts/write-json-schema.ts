/**
 * Writes libs/smoke/smoke-file.schema.json, the JSON Schema editors complete smoke.yaml with
 * (`# yaml-language-server: $schema=…`); `--check` writes nothing and fails when it is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileJsonSchemaText, FILE_JSON_SCHEMA_PATH } from '../src/file/json-schema.ts';

// Compared as JSON: the nx target formats the file with Prettier afterwards, as `nx format:check` wants it.
const wanted = fileJsonSchemaText();
const same = (a: string, b: string) => {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
};
const current = (() => {
  try {
    return readFileSync(FILE_JSON_SCHEMA_PATH, 'utf8');
  } catch {
    return '';
  }
})();
if (process.argv.includes('--check')) {
  if (!same(current, wanted)) {
    console.error('smoke: smoke-file.schema.json is out of date\n  remedy: run npx nx run smoke:file-schema');
    process.exit(1);
  }
} else if (!same(current, wanted)) {
  writeFileSync(FILE_JSON_SCHEMA_PATH, wanted);
  console.log(`wrote ${FILE_JSON_SCHEMA_PATH}`);
}
