const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * Formats an amount held in the currency's smallest unit (the API's `*Cents` fields): CLP has no
 * minor unit, so 15990 is $15.990; USD has two, so 15990 is US$159,90.
 */
export function formatMoney(amountMinor: number, currency: string, locale = 'es-CL'): string {
  const formatter = formatterFor(currency, locale);
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 0;
  return formatter.format(amountMinor / 10 ** digits);
}
