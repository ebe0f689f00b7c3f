#!/usr/bin/env node
// The engine is TypeScript run from source (no build step); tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
