/** The org.opencontainers.image.* annotations docker/metadata-action sets, plus the caller's own labels. */
export interface LabelInput {
  title: string;
  revision: string;
  version: string;
  /** Repository URL (https), when known. */
  source?: string;
  created: Date;
  extra: Record<string, string>;
}

export function ociLabels(input: LabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': input.title,
    'org.opencontainers.image.revision': input.revision,
    'org.opencontainers.image.version': input.version,
    'org.opencontainers.image.created': input.created.toISOString(),
  };
  if (input.source) labels['org.opencontainers.image.source'] = input.source;
  return { ...labels, ...input.extra };
}

/**
 * git@github.com:acme/shop.git, ssh://git@host/acme/shop.git and https://user:token@host/acme/shop.git
 * all become https://host/acme/shop: labels are public, so credentials never make it into one.
 */
export function sourceUrlFromRemote(remote: string): string | undefined {
  const trimmed = remote.trim();
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?\/?$/.exec(trimmed);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(trimmed);
    if (!['http:', 'https:', 'ssh:', 'git:'].includes(url.protocol)) return undefined;
    return `https://${url.hostname}${url.pathname.replace(/\.git\/?$/, '').replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
}
