#!/usr/bin/env node
// The CLI process: the package's `smoke` bin (compiled to dist/src/main.js) and, from source, what tests run.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
