import { computed, readonly, ref, type ComputedRef, type DeepReadonly, type InjectionKey, type Ref } from 'vue';
import { inject } from 'vue';
import type { Product } from '../api/schemas.ts';

export interface CartLine {
  productId: number;
  name: string;
  unitPriceCents: number;
  currency: string;
  quantity: number;
  /** Stock when the product was last seen; the API has the final word when the order is placed. */
  stock: number;
}

export interface Cart {
  lines: DeepReadonly<Ref<CartLine[]>>;
  /** Number of units across all lines. */
  count: ComputedRef<number>;
  /** Total per currency (a cart could in principle hold products priced in different currencies). */
  totals: ComputedRef<{ currency: string; amountCents: number }[]>;
  /** Adds units, capped at the known stock; returns the quantity now in the cart. */
  add(product: Product, quantity: number): number;
  setQuantity(productId: number, quantity: number): void;
  remove(productId: number): void;
  clear(): void;
}

export const CART_STORAGE_KEY = 'shopops.cart.v1';

export const cartKey: InjectionKey<Cart> = Symbol('cart');

/** The cart, kept in `storage` (localStorage in the browser) so it survives reloads. */
export function createCart(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): Cart {
  const lines = ref<CartLine[]>(load(storage));
  const save = () => {
    try {
      storage?.setItem(CART_STORAGE_KEY, JSON.stringify(lines.value));
    } catch {
      // Private browsing or a full quota: the cart still works for this page's lifetime.
    }
  };
  const clamp = (quantity: number, stock: number) => Math.max(0, Math.min(Math.floor(quantity), stock));

  return {
    lines: readonly(lines),
    count: computed(() => lines.value.reduce((sum, line) => sum + line.quantity, 0)),
    totals: computed(() => {
      const byCurrency = new Map<string, number>();
      for (const line of lines.value) {
        byCurrency.set(line.currency, (byCurrency.get(line.currency) ?? 0) + line.unitPriceCents * line.quantity);
      }
      return [...byCurrency].map(([currency, amountCents]) => ({ currency, amountCents }));
    }),
    add(product, quantity) {
      const existing = lines.value.find((line) => line.productId === product.id);
      const wanted = (existing?.quantity ?? 0) + quantity;
      const next = clamp(wanted, product.stock);
      if (existing) {
        Object.assign(existing, {
          quantity: next,
          name: product.name,
          unitPriceCents: product.priceCents,
          currency: product.currency,
          stock: product.stock,
        });
      } else if (next > 0) {
        lines.value.push({
          productId: product.id,
          name: product.name,
          unitPriceCents: product.priceCents,
          currency: product.currency,
          quantity: next,
          stock: product.stock,
        });
      }
      save();
      return next;
    },
    setQuantity(productId, quantity) {
      const line = lines.value.find((l) => l.productId === productId);
      if (!line || !Number.isFinite(quantity)) return;
      const next = clamp(quantity, line.stock);
      if (next === 0) lines.value = lines.value.filter((l) => l.productId !== productId);
      else line.quantity = next;
      save();
    },
    remove(productId) {
      lines.value = lines.value.filter((l) => l.productId !== productId);
      save();
    },
    clear() {
      lines.value = [];
      save();
    },
  };
}

export function useCart(): Cart {
  const cart = inject(cartKey);
  if (!cart) throw new Error('useCart() needs a cart provided with app.provide(cartKey, createCart(...))');
  return cart;
}

function load(storage: Pick<Storage, 'getItem'> | undefined): CartLine[] {
  let raw: string | null | undefined;
  try {
    raw = storage?.getItem(CART_STORAGE_KEY);
  } catch {
    return [];
  }
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isCartLine) : [];
  } catch {
    return [];
  }
}

function isCartLine(value: unknown): value is CartLine {
  if (!value || typeof value !== 'object') return false;
  const line = value as Record<string, unknown>;
  return (
    Number.isInteger(line.productId) &&
    typeof line.name === 'string' &&
    Number.isInteger(line.unitPriceCents) &&
    typeof line.currency === 'string' &&
    Number.isInteger(line.quantity) &&
    (line.quantity as number) > 0 &&
    Number.isInteger(line.stock)
  );
}
