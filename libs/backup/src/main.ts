#!/usr/bin/env node
// The CLI process: the package's `backup` bin (compiled to dist/main.js), and the entry of the
// one-file bundle that `nx run backup:bundle` writes to dist/backup.mjs for cron containers.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
