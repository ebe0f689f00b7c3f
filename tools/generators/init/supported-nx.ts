/** The Nx versions the plugin is built and tested for, as its package.json's peerDependencies say. */
export const SUPPORTED_NX = { range: '>=23 <25', minMajor: 23, maxMajorExclusive: 25 } as const;

/** Throws one line naming the supported range when `version` (an installed Nx) is outside it. */
export function assertSupportedNx(version: string): void {
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  if (major >= SUPPORTED_NX.minMajor && major < SUPPORTED_NX.maxMajorExclusive) return;
  throw new Error(
    `@shopops/ops supports Nx ${SUPPORTED_NX.range}; this workspace has Nx ${version}: run \`nx migrate latest\` first, or use an @shopops/ops release for your Nx`,
  );
}
