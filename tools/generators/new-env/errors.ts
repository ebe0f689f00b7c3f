/** A generator's failure in the CLI convention: `<tool>: <what went wrong>`, then `  remedy: <what to do>`. */
export function generatorError(tool: string, what: string, remedy: string): Error {
  return new Error(remedy ? `${tool}: ${what}\n  remedy: ${remedy}` : `${tool}: ${what}`);
}
