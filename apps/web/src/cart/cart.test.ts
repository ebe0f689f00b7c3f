import { describe, expect, it } from 'vitest';
import { aProduct } from '../testing/api-stub.ts';
import { memoryStorage } from '../testing/render.ts';
import { CART_STORAGE_KEY, createCart } from './cart.ts';

describe('createCart', () => {
  it('adds products, merging repeated adds into one line', () => {
    const cart = createCart(memoryStorage());
    cart.add(aProduct({ id: 1, stock: 10 }), 2);
    cart.add(aProduct({ id: 2, name: 'Tin plate', priceCents: 5000 }), 1);
    cart.add(aProduct({ id: 1, stock: 10 }), 3);
    expect(cart.lines.value.map((l) => [l.productId, l.quantity])).toEqual([
      [1, 5],
      [2, 1],
    ]);
    expect(cart.count.value).toBe(6);
    expect(cart.totals.value).toEqual([{ currency: 'CLP', amountCents: 5 * 12990 + 5000 }]);
  });

  it('never holds more than the known stock, and reports what it holds', () => {
    const cart = createCart(memoryStorage());
    expect(cart.add(aProduct({ stock: 3 }), 2)).toBe(2);
    expect(cart.add(aProduct({ stock: 3 }), 5)).toBe(3);
    cart.setQuantity(1, 50);
    expect(cart.lines.value[0]?.quantity).toBe(3);
  });

  it('does not add a line for a product out of stock', () => {
    const cart = createCart(memoryStorage());
    expect(cart.add(aProduct({ stock: 0 }), 1)).toBe(0);
    expect(cart.lines.value).toEqual([]);
  });

  it('removes a line set to zero, and on remove and clear', () => {
    const cart = createCart(memoryStorage());
    cart.add(aProduct({ id: 1 }), 1);
    cart.add(aProduct({ id: 2 }), 1);
    cart.add(aProduct({ id: 3 }), 1);
    cart.setQuantity(1, 0);
    cart.remove(2);
    expect(cart.lines.value.map((l) => l.productId)).toEqual([3]);
    cart.clear();
    expect(cart.count.value).toBe(0);
  });

  it('keeps totals per currency', () => {
    const cart = createCart(memoryStorage());
    cart.add(aProduct({ id: 1, priceCents: 1000, currency: 'CLP' }), 2);
    cart.add(aProduct({ id: 2, priceCents: 250, currency: 'USD' }), 1);
    expect(cart.totals.value).toEqual([
      { currency: 'CLP', amountCents: 2000 },
      { currency: 'USD', amountCents: 250 },
    ]);
  });

  it('survives a reload through storage', () => {
    const storage = memoryStorage();
    createCart(storage).add(aProduct(), 2);
    const reloaded = createCart(storage);
    expect(reloaded.lines.value).toEqual([
      { productId: 1, name: 'Enamel mug', unitPriceCents: 12990, currency: 'CLP', quantity: 2, stock: 5 },
    ]);
  });

  it('ignores a corrupt or foreign stored value instead of failing', () => {
    expect(createCart(memoryStorage({ [CART_STORAGE_KEY]: '{not json' })).lines.value).toEqual([]);
    const mixed = JSON.stringify([
      { productId: 'x' },
      { productId: 1, name: 'Mug', unitPriceCents: 1, currency: 'CLP', quantity: 1, stock: 1 },
    ]);
    expect(createCart(memoryStorage({ [CART_STORAGE_KEY]: mixed })).lines.value.map((l) => l.productId)).toEqual([1]);
  });

  it('works without storage (private browsing that throws)', () => {
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const cart = createCart(throwing);
    cart.add(aProduct(), 1);
    expect(cart.count.value).toBe(1);
  });
});
