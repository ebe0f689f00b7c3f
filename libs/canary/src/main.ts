#!/usr/bin/env node
// The CLI process: the package's `fly-canary` bin (compiled to dist/src/main.js) and, from source, what tests run.
import { main } from './cli.ts';

// Ctrl-C (or SIGTERM) stops the release at its next checkpoint and rolls it back; further signals while
// the rollback runs are answered with a line, not obeyed, so the old version is always left serving.
const interrupt = new AbortController();
const onSignal = () => {
  if (interrupt.signal.aborted) process.stderr.write('fly-canary: finishing the rollback first\n');
  else {
    process.stderr.write('fly-canary: interrupted: rolling back\n');
    interrupt.abort();
  }
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

process.exitCode = await main(process.argv.slice(2), { signal: interrupt.signal });
process.off('SIGINT', onSignal);
process.off('SIGTERM', onSignal);
