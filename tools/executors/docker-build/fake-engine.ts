import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `docker` and `podman` stand-ins for PATH: each call appends its argv to a log (one JSON array per
 * line) and answers like the engine where the executor reads an answer (iidfile, buildx metadata
 * file, RepoDigests). Command lines only; the real engine is exercised by the e2e tests.
 */
const script = `#!${process.execPath}
const fs = require('node:fs');
const path = require('node:path');
const args = process.argv.slice(2);
const file = path.basename(process.argv[1]);
fs.appendFileSync(process.env.FAKE_ENGINE_LOG, JSON.stringify([file, ...args]) + '\\n');
const flag = (name) => { const i = args.indexOf(name); return i === -1 ? undefined : args[i + 1]; };
if (file === 'docker' && process.env.FAKE_NO_DOCKER === '1') process.exit(127);
if (args[0] === 'buildx' && args[1] === 'version') process.exit(process.env.FAKE_BUILDX === '1' ? 0 : 1);
if (args[0] === 'version') process.exit(0);
if (args[0] === 'build' || (args[0] === 'buildx' && args[1] === 'build')) {
  if (process.env.FAKE_BUILD_FAIL === '1') { console.error('failed to solve: boom'); process.exit(1); }
  fs.writeFileSync(flag('--iidfile'), 'sha256:' + '1'.repeat(64));
  const metadata = flag('--metadata-file');
  if (metadata) fs.writeFileSync(metadata, JSON.stringify({ 'containerimage.digest': 'sha256:' + '2'.repeat(64) }));
  process.exit(0);
}
if (args[0] === 'push') process.exit(0);
if (args[0] === 'image' && args[1] === 'inspect') {
  const ref = args[args.length - 1];
  console.log(JSON.stringify([ref.replace(/:[^:/]+$/, '') + '@sha256:' + '3'.repeat(64)]));
  process.exit(0);
}
console.error('fake engine: unexpected ' + args.join(' '));
process.exit(2);
`;

export interface FakeEngines {
  binDir: string;
  logFile: string;
  calls(): string[][];
}

export function installFakeEngines(dir: string, engines: Array<'docker' | 'podman'>): FakeEngines {
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  for (const engine of engines) {
    writeFileSync(join(binDir, engine), script);
    chmodSync(join(binDir, engine), 0o755);
  }
  const logFile = join(dir, 'engine.log');
  writeFileSync(logFile, '');
  return {
    binDir,
    logFile,
    calls: () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
  };
}
