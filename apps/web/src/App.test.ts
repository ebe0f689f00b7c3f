import { afterEach, describe, expect, it, vi } from 'vitest';
import { CART_STORAGE_KEY, createCart } from './cart/cart.ts';
import { stubApi } from './testing/api-stub.ts';
import { memoryStorage, renderApp } from './testing/render.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('app shell', () => {
  it('has a skip link, a labelled main navigation and the cart count from the stored cart', async () => {
    stubApi();
    const stored = [{ productId: 1, name: 'Mug', unitPriceCents: 100, currency: 'CLP', quantity: 2, stock: 3 }];
    const cart = createCart(memoryStorage({ [CART_STORAGE_KEY]: JSON.stringify(stored) }));
    const { wrapper } = await renderApp('/cart', { cart });

    expect(wrapper.get('a.skip-link').attributes('href')).toBe('#main');
    expect(wrapper.find('main#main').exists()).toBe(true);
    const nav = wrapper.get('nav[aria-label="Main"]');
    expect(nav.findAll('a').map((a) => a.attributes('href'))).toEqual(['/', '/cart', '/status']);
    expect(wrapper.get('[data-testid="cart-count"]').text()).toBe('2');
    expect(nav.get('a[href="/cart"]').attributes('aria-current')).toBe('page');
    expect(document.title).toBe('Cart · ShopOps');
  });

  it('shows a not-found page for unknown addresses', async () => {
    stubApi();
    const { wrapper } = await renderApp('/no/such/page');
    expect(wrapper.get('h1').text()).toBe('Page not found');
    expect(document.title).toBe('Not found · ShopOps');
  });
});
