import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { CanaryInputError } from './errors.ts';
import { readFlyConfig, type FlyConfig } from './fly-config.ts';
import { canaryOptionsSchema, type CanaryOptions, type ResolvedCanaryOptions } from './options.ts';
import type { Settings } from './settings.ts';
import { parseSteps } from './steps.ts';

/** Options validated by their schema; every problem at once, as `--flag: what`. */
export function parseCanaryOptions(raw: CanaryOptions): ResolvedCanaryOptions {
  const result = canaryOptionsSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `--${flagName(String(issue.path[0] ?? ''))}: ${issue.message}`);
  throw new CanaryInputError(problems.join('; '), 'see fly-canary --help');
}

export const flagName = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The options with fly.toml's values and the image record filled in; refuses what cannot work. */
export function resolveSettings(
  options: ResolvedCanaryOptions,
  cwd: string,
  env: NodeJS.ProcessEnv,
): { settings: Settings; token: string } {
  const configPath = resolve(cwd, options.config);
  const fly: FlyConfig | undefined = existsSync(configPath) || !options.app ? readFlyConfig(configPath) : undefined;
  const app = options.app ?? fly?.app;
  if (!app) throw new CanaryInputError(`${configPath} names no app`, 'add `app = "<name>"` to fly.toml or pass --app');
  parseSteps(options.steps);
  const token = env.FLY_API_TOKEN?.trim();
  if (!token)
    throw new CanaryInputError('FLY_API_TOKEN is not set', `create a deploy token: fly tokens create deploy -a ${app}`);
  const internalPort = fly?.internalPort ?? 8080;
  return {
    token,
    settings: {
      app,
      image: resolveImage(options, cwd),
      apiUrl: options.apiUrl,
      releaseCommand: (options.releaseCommand ?? fly?.releaseCommand ?? '').trim() || null,
      steps: options.steps,
      intervalMs: options.interval,
      minRequests: options.minRequests,
      maxErrorRate: options.maxErrorRate,
      maxErrorRateIncrease: options.maxErrorRateIncrease,
      maxP95Ratio: options.maxP95Ratio,
      latencyFloorMs: options.latencyFloor,
      failureLimit: options.failureLimit,
      onInconclusive: options.onInconclusive,
      maxInconclusive: options.maxInconclusive,
      syntheticLoad: options.syntheticLoad,
      smokeFile: options.syntheticLoad
        ? resolve(cwd, options.smokeFile ?? join(dirname(configPath), 'smoke.yaml'))
        : undefined,
      syntheticLoadSkipTags: options.syntheticLoadSkipTags,
      appUrl: options.appUrl ?? `https://${app}.fly.dev`,
      machineUrl: options.machineUrl,
      internalPort,
      metricsPort: fly?.metricsPort ?? internalPort,
      waitTimeoutMs: options.waitTimeout ?? fly?.waitTimeoutMs ?? 300_000,
      releaseCommandTimeoutMs: options.releaseCommandTimeout ?? fly?.releaseCommandTimeoutMs ?? 300_000,
      minMachinesRunning: options.minMachinesRunning ?? fly?.minMachinesRunning ?? 1,
      leaseTtlSeconds: options.leaseTtl,
      retries: options.retries,
    },
  };
}

const imageRecordSchema = z.object({ image: z.string().min(1), digest: z.string().nullish() });

/** --image, else what docker-build recorded: `image` (name@digest once pushed). */
function resolveImage(options: ResolvedCanaryOptions, cwd: string): string {
  if (options.image) return options.image;
  // --resume takes the image of the interrupted release, found on its machines.
  if (options.resume && !options.imageRecord) return '';
  if (!options.imageRecord)
    throw new CanaryInputError(
      'no image to release',
      'pass --image <ref>, or --image-record dist/<project>/image.json',
    );
  const path = resolve(cwd, options.imageRecord);
  if (!existsSync(path))
    throw new CanaryInputError(
      `no --image and ${path} does not exist`,
      'build and push first (nx run <project>:docker-build --push), or pass --image <ref>',
    );
  let parsed: z.infer<typeof imageRecordSchema>;
  try {
    parsed = imageRecordSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new CanaryInputError(
      `${path} is not an image record: ${(error as Error).message.split('\n')[0]}`,
      'run docker-build again, or pass --image <ref>',
    );
  }
  if (parsed.digest && !parsed.image.includes('@')) return `${parsed.image.replace(/:[^/:]+$/, '')}@${parsed.digest}`;
  return parsed.image;
}
