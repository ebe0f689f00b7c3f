import { z } from 'zod';
import { environmentName, environmentSource } from '../new-env/schema.ts';

export const schema = z
  .object({
    variable: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name, e.g. JWT_SECRET')
      .describe(
        'The secret to rotate. The app must accept `<variable>_PREVIOUS` beside it (verifying with either, signing with the current).',
      )
      .meta({ $default: { $source: 'argv', index: 0 }, examples: ['JWT_SECRET'] }),
    env: environmentName.describe('Environment whose `.env.<env>` holds the secret.').meta({ examples: ['staging'] }),
    ...environmentSource,
    bytes: z
      .int()
      .min(16)
      .max(1024)
      .default(64)
      .describe('Random bytes of the new value (node:crypto, written base64url).'),
    finish: z
      .boolean()
      .default(false)
      .describe(
        'End a rotation: empty `<variable>_PREVIOUS` once no token signed with the previous value can still be valid.',
      ),
    force: z
      .boolean()
      .default(false)
      .describe('Rotate although `<variable>_PREVIOUS` is still set (a rotation in progress): its value is dropped.'),
    lifetimeVariable: z
      .string()
      .optional()
      .describe(
        'Variable holding the longest lifetime of what the secret signs (a token lifetime such as `12h`): the wait before --finish.',
      ),
  })
  .meta({
    title: 'Rotate a secret',
    description:
      "Rotates a secret of `<project>/.env.<env>` with double publication: the current value moves to `<variable>_PREVIOUS`, a new one is generated, the file is checked with the app's own loader, and the steps are printed: publish both, wait for the longest token lifetime, then `--finish` removes the previous value. Nothing is printed of either value.",
    examples: [
      'nx g @shopops/ops:rotate-secret JWT_SECRET --env staging',
      'nx g @shopops/ops:rotate-secret JWT_SECRET --env staging --finish',
    ],
  });

export type RotateSecretGeneratorOptions = z.input<typeof schema>;
