#!/usr/bin/env node
// The library is TypeScript run from source (no build step); tsx compiles it on load.
import { register } from 'tsx/esm/api';

register();
const { runEnvExampleCli } = await import('../src/cli.ts');
process.exitCode = runEnvExampleCli(process.argv.slice(2));
