import { z } from 'zod';
import { smokeOptionsSchema } from '@shopops/smoke';

export const schema = smokeOptionsSchema
  .extend({
    file: z
      .string()
      .optional()
      .describe('The smoke file, relative to the project root. Default: smoke.yaml, else smoke.json, there.')
      .meta({ examples: ['smoke.yaml'] }),
    imageRecord: z
      .boolean()
      .default(true)
      .describe(
        'Without --expectVersion/--expectCommit/--expectImage: expect the build recorded in dist/<project>/image.json by docker-build, when that file exists.',
      ),
  })
  .meta({
    title: 'Smoke',
    description:
      'Runs the checks of a project’s smoke file (presets api, web, cors and its own) against a deployment, retrying within one deadline, and fails when another build than the one just built answers. Exit codes of the engine: 0 passed, 1 an assertion failed, 2 unreachable, 64 invalid file or option. The same engine runs without Nx as the `smoke` CLI of @shopops/smoke.',
    examples: [
      'nx run api:smoke --url https://shop-api.fly.dev',
      'nx run api:smoke --url http://127.0.0.1:8080 --skipTags sandbox --junit reports/smoke/api.xml',
      'nx run web:smoke --url https://shop.example --expectCommit 5f7833d',
      'nx run api:smoke --tags readiness --headers.fly-force-instance-id=3d8d9e1b2c4e89',
    ],
  });

export type SmokeExecutorOptions = z.input<typeof schema>;
