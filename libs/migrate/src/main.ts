#!/usr/bin/env node
// The CLI process: the package's `migrate` bin (compiled to dist/main.js) and, from source, what
// tests and `tsx --conditions=@shopops/source` run.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
