// The CLI process: what bin/backup.mjs loads from source, and the entry of the bundle that
// `nx run backup:build` writes to dist/libs/backup/backup.mjs for cron containers and servers.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
