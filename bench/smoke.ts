/**
 * bench/smoke: the api preset against the real API on loopback, as separate processes the way a
 * deploy runs them — our runner (the published `smoke` CLI, compiled JS), the seed's smoke.sh (curl,
 * three requests) and the same checks as bare fetch calls in a plain Node script — interleaved,
 * several rounds, medians and ratios. Goal: ours ≤ 1.5× the fetch script, and faster than smoke.sh.
 *
 *   npx nx run smoke:build && npx tsx bench/smoke.ts [rounds=9]
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { scratchDir } from '@shopops/testing';
import { startLocalApi } from '../libs/smoke/test/support/local-api.ts';

const rounds = Number(process.argv[2] ?? 9);
const cli = fileURLToPath(new URL('../dist/libs/smoke/src/main.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(`bench/smoke: ${cli} is missing\n  remedy: npx nx run smoke:build`);
  process.exit(1);
}
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const smokeFile = join(scratchDir('bench-smoke-'), 'smoke.yaml');
const installed = installBuiltPackages();
writeFileSync(smokeFile, 'include: [api]\n');

const api = await startLocalApi();
try {
  // Both Node runs are plain JS, as production runs them: no tsx start-up in either.
  const runs = {
    'smoke (ours)': [
      'node',
      '--preserve-symlinks',
      '--preserve-symlinks-main',
      installed,
      '--file',
      smokeFile,
      '--url',
      api.url,
    ],
    'smoke.sh (curl)': ['bash', here('smoke.sh'), api.url],
    'fetch script': ['node', here('smoke-fetch.mjs'), api.url],
  } as const;
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((name) => [name, []]));
  for (const [command, ...args] of Object.values(runs)) await execa(command, args); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, [command, ...args]] of Object.entries(runs)) {
      const started = performance.now();
      const result = await execa(command, args, { reject: false });
      if (result.exitCode !== 0)
        throw new Error(`${name} failed (${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
      times[name]!.push(performance.now() - started);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const medians = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
  for (const [name, ms] of Object.entries(medians))
    console.log(
      `${name.padEnd(16)} median ${ms.toFixed(0).padStart(5)} ms over ${rounds} runs (min ${Math.min(...times[name]!).toFixed(0)} ms)`,
    );
  const ours = medians['smoke (ours)']!;
  const vsFetch = ours / medians['fetch script']!;
  const vsShell = ours / medians['smoke.sh (curl)']!;
  console.log(`ours / fetch script: ${vsFetch.toFixed(2)}×  (goal ≤ 1.50×) ${vsFetch <= 1.5 ? 'met' : 'NOT met'}`);
  console.log(`ours / smoke.sh:     ${vsShell.toFixed(2)}×  (goal < 1.00×) ${vsShell < 1 ? 'met' : 'NOT met'}`);
} finally {
  await api.stop();
}

/**
 * The built packages as npm would install them (node_modules/@shopops/{smoke,postgres} → dist), so the
 * CLI runs compiled JS all the way down instead of the workspace's TypeScript sources.
 */
function installBuiltPackages(): string {
  const root = scratchDir('bench-smoke-install-');
  const link = (name: string, target: string) => {
    mkdirSync(dirname(join(root, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(root, 'node_modules', name));
  };
  mkdirSync(join(root, 'node_modules/@shopops'), { recursive: true });
  link('@shopops/smoke', here('../dist/libs/smoke'));
  link('@shopops/postgres', here('../dist/libs/postgres'));
  // Every third-party package beside them, as an install would put them (pg's own dependencies too).
  for (const name of readdirSync(here('../node_modules')).filter((n) => n !== '@shopops' && !n.startsWith('.')))
    link(name, here(`../node_modules/${name}`));
  return join(root, 'node_modules/@shopops/smoke/src/main.js');
}
