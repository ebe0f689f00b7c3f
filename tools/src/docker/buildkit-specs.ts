/**
 * Nx splits the command-line value of an array option at every comma: `--cacheFrom=type=gha,scope=api`
 * reaches the executor as ['type=gha', 'scope=api']. A BuildKit cache or secret spec is itself a
 * comma-separated key=value list, so a piece that does not start a spec is glued back to the one before it.
 * Values given in project.json or repeated on the command line arrive whole and pass through unchanged.
 */
export function rejoinSplitSpecs(items: readonly string[], startsSpec: (piece: string) => boolean): string[] {
  const specs: string[] = [];
  for (const piece of items) {
    if (specs.length > 0 && !startsSpec(piece)) specs[specs.length - 1] += `,${piece}`;
    else specs.push(piece);
  }
  return specs;
}

/** A cache spec starts with type=…, or is a bare image reference (shorthand for type=registry,ref=…). */
export const startsCacheSpec = (piece: string) => piece.startsWith('type=') || !piece.includes('=');

/** A secret spec starts with id=…. */
export const startsSecretSpec = (piece: string) => piece.startsWith('id=');
