/**
 * ISO 4217 codes of the currencies in use, from the ICU data Node ships (`Intl.supportedValuesOf`), so the
 * list follows the runtime's updates instead of a hand-kept copy. Codes that are well-formed but name no
 * currency (ZZZ, XXX, XTS) are not in it.
 */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

export function isIsoCurrency(code: string): boolean {
  return ISO_4217.has(code);
}
