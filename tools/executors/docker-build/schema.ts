import { z } from 'zod';
import { policyRules } from '../../src/docker/dockerfile-policy.ts';

const SECRET_SPEC = /^id=[\w.-]+(,(src|env)=[^,]+)?$/;
const keyValues = z.record(z.string().regex(/^[A-Za-z_][\w.-]*$/, 'a name such as NODE_IMAGE'), z.string());

export const schema = z
  .object({
    engine: z
      .enum(['auto', 'buildx', 'docker', 'podman'])
      .default('auto')
      .describe(
        'Build engine: docker buildx, plain `docker build` (the CLI’s default builder; no secrets, no cache export), or podman. auto picks buildx when the docker CLI has it, then docker, then podman.',
      ),
    dockerfile: z.string().default('Dockerfile').describe('Dockerfile, relative to the project root.'),
    context: z
      .string()
      .default('.')
      .describe(
        'Build context, relative to the workspace root (the whole monorepo by default, so images can use the lockfile and libs/). The policy checks `<context>/.dockerignore`, the ignore file every engine reads.',
      ),
    images: z
      .array(z.string().regex(/^[a-z0-9]+([._/:-][a-z0-9]+)*$/, 'an image name such as ghcr.io/acme/api'))
      .optional()
      .describe('Image names to tag (every name gets every tag). Defaults to the project name.')
      .meta({ examples: [['ghcr.io/acme/shop-api']] }),
    tagSha: z.boolean().default(true).describe('Tag `sha-<7 characters of the commit>`.'),
    tagBranch: z.boolean().default(true).describe('Tag the branch name (sanitised: `feature/x` → `feature-x`).'),
    tagSemver: z
      .boolean()
      .default(true)
      .describe('For a git tag vX.Y.Z on the commit: tags X.Y.Z, X.Y and X (a prerelease only gets its full version).'),
    latest: z
      .enum(['auto', 'true', 'false'])
      .default('auto')
      .describe('Tag `latest`: auto does so on the default branch only.'),
    defaultBranch: z.string().default('main').describe('The branch whose builds are `latest`.'),
    tags: z
      .array(z.string())
      .default([])
      .describe('Raw tags added as they are.')
      .meta({ examples: [['edge']] }),
    labels: keyValues
      .default({})
      .describe('Labels added to the OCI labels (title, source, revision, version, created).'),
    buildArgs: keyValues
      .default({})
      .describe(
        'Build arguments, e.g. the base images NODE_IMAGE / NGINX_IMAGE of a mirror. APP_VERSION, GIT_COMMIT and BUILD_TIME are always passed, from the version, revision and created labels, so the image can say which build it is (GET /version, /version.json); they cannot be set here.',
      )
      .meta({ examples: [{ NODE_IMAGE: 'registry.internal/node:22-bookworm-slim' }] }),
    target: z.string().optional().describe('Build this stage instead of the final one.'),
    platforms: z
      .array(z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/, 'os/arch such as linux/amd64'))
      .default([])
      .describe('Target platforms; more than one needs buildx and push.')
      .meta({ examples: [['linux/amd64', 'linux/arm64']] }),
    cacheFrom: z
      .array(z.string())
      .default([])
      .describe('External cache sources (--cache-from), e.g. type=registry,ref=ghcr.io/acme/api:buildcache.'),
    cacheTo: z.array(z.string()).default([]).describe('Cache export destinations (--cache-to); buildx only.'),
    secrets: z
      // A refinement rather than .regex: schema.json must not carry the pattern, since Nx checks it against
      // the pieces it split a command-line value into, before the executor glues them back (buildkit-specs.ts).
      .array(z.string().refine((spec) => SECRET_SPEC.test(spec), 'id=<name>[,src=<file>|,env=<variable>]'))
      .default([])
      .describe(
        'Build secrets, mounted with RUN --mount=type=secret and never stored in the image: `id=npmrc,src=/home/me/.npmrc` or `id=TOKEN,env=TOKEN`.',
      ),
    network: z
      .enum(['default', 'host', 'none'])
      .default('default')
      .describe('Network of RUN steps; host where the engine has no bridge network (as in CI here).'),
    push: z.boolean().default(false).describe('Push every reference to its registry.'),
    load: z
      .boolean()
      .default(true)
      .describe('Keep the image in the local image store (buildx --load; always the case for docker and podman).'),
    pull: z.boolean().default(false).describe('Always pull newer base images.'),
    noCache: z.boolean().default(false).describe('Build without the layer cache.'),
    waive: z
      .array(z.enum(policyRules))
      .default([])
      .describe(
        'Dockerfile policy rules not to enforce for this image: non-root-user, healthcheck, secret-in-env, unpinned-base-image, dockerignore.',
      ),
    outputFile: z
      .string()
      .default('dist/{projectName}/image.json')
      .describe('Where the image reference and digest are written, relative to the workspace root.'),
    dryRun: z.boolean().default(false).describe('Check the policy and print the exact commands without running them.'),
    json: z.boolean().default(false).describe('Print the image record as one JSON document on stdout.'),
  })
  .meta({
    title: 'Docker build',
    description:
      'Builds a project’s image with docker buildx, plain docker build or podman. Checks the Dockerfile policy first (non-root USER, HEALTHCHECK, no secret-looking ENV/ARG, pinned base images, a .dockerignore excluding .git and .env*); tags like docker/metadata-action (sha-<short>, branch, semver from a vX.Y.Z git tag, latest on the default branch, raw tags); sets the OCI labels and passes the same version, commit and build time as the build arguments APP_VERSION, GIT_COMMIT and BUILD_TIME; writes the reference and digest to dist/<project>/image.json, the target’s cacheable output. Inferred as `docker-build` for every project with a Dockerfile.',
    examples: [
      'nx run api:docker-build',
      'nx run api:docker-build --dry-run',
      'nx run web:docker-build --images ghcr.io/acme/shop-web --push',
      'nx affected -t docker-build --network host',
      'nx run api:docker-build --buildArgs.NODE_IMAGE=shopops-base/node:22-bookworm-slim',
    ],
  });

export type DockerBuildExecutorOptions = z.input<typeof schema>;
