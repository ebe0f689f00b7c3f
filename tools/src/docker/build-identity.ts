/**
 * What an image is told about itself, as build arguments its Dockerfile turns into the environment
 * (`ARG APP_VERSION` → `ENV APP_VERSION=$APP_VERSION`): the API answers them on GET /version and the
 * storefront writes them to /version.json, so a smoke check can tell which build answered.
 * They come from the image's OCI labels, so the labels, image.json and the running app never disagree.
 */
export const BUILD_IDENTITY_ARGS = ['APP_VERSION', 'GIT_COMMIT', 'BUILD_TIME'] as const;

export function buildIdentityArgs(labels: Record<string, string>): Record<string, string> {
  return {
    APP_VERSION: labels['org.opencontainers.image.version']!,
    GIT_COMMIT: labels['org.opencontainers.image.revision']!,
    BUILD_TIME: labels['org.opencontainers.image.created']!,
  };
}

/** A caller's own APP_VERSION would make the app and its labels disagree: the label is the one place to set it. */
export function refuseIdentityOverrides(buildArgs: Record<string, string>): void {
  const overridden = BUILD_IDENTITY_ARGS.filter((name) => name in buildArgs);
  if (overridden.length === 0) return;
  throw new Error(
    `buildArgs ${overridden.join(', ')} ${overridden.length === 1 ? 'is' : 'are'} set by docker-build from the image's labels; ` +
      'to change the version, tag a release (vX.Y.Z) or set labels.org.opencontainers.image.version',
  );
}
