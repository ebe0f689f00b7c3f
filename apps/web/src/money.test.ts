import { describe, expect, it } from 'vitest';
import { formatMoney } from './money.ts';

describe('formatMoney', () => {
  it('formats CLP, which has no minor unit, as whole pesos', () => {
    expect(formatMoney(12990, 'CLP')).toBe('$12.990');
    expect(formatMoney(0, 'CLP')).toBe('$0');
  });

  it('divides by the minor unit of currencies that have one', () => {
    expect(formatMoney(15990, 'USD')).toBe('US$159,90');
    expect(formatMoney(15990, 'USD', 'en-US')).toBe('$159.90');
  });

  it('follows the locale', () => {
    // ICU separates a currency code from the number with a no-break space.
    expect(formatMoney(1234567, 'CLP', 'en-US')).toBe('CLP\u00a01,234,567');
  });
});
