import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCart } from '../cart/cart.ts';
import { aProduct, anOrder, json, problem, stubApi } from '../testing/api-stub.ts';
import { button, byLabel, memoryStorage, renderApp } from '../testing/render.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

function filledCart() {
  const cart = createCart(memoryStorage());
  cart.add(aProduct({ id: 1, stock: 5 }), 2);
  cart.add(aProduct({ id: 2, name: 'Tin plate', priceCents: 4990, stock: 10 }), 1);
  return cart;
}

describe('cart', () => {
  it('says when it is empty', async () => {
    stubApi();
    const { wrapper } = await renderApp('/cart');
    expect(wrapper.text()).toContain('Your cart is empty.');
    expect(wrapper.find('form').exists()).toBe(false);
  });

  it('lists lines with subtotals and the total, and edits quantities', async () => {
    stubApi();
    const { wrapper, cart } = await renderApp('/cart', { cart: filledCart() });

    const rows = wrapper.findAll('tbody tr');
    expect(rows.map((r) => r.get('th').text())).toEqual(['Enamel mug', 'Tin plate']);
    expect(rows[0]?.text()).toContain('$25.980');
    expect(wrapper.get('[data-testid="cart-total"]').text()).toBe('$30.970');

    await byLabel(wrapper, 'Quantity of Tin plate').setValue(3);
    expect(cart.lines.value[1]?.quantity).toBe(3);
    expect(wrapper.get('[data-testid="cart-total"]').text()).toBe('$40.950');

    await wrapper.get('button[aria-label="Remove Enamel mug"]').trigger('click');
    expect(wrapper.findAll('tbody tr')).toHaveLength(1);
    expect(wrapper.get('[data-testid="cart-count"]').text()).toBe('3');
  });

  it('places the order, empties the cart and opens the order page', async () => {
    const order = anOrder({ status: 'pending' });
    const api = stubApi().on('POST', '/orders', json(order, 201)).on('GET', `/orders/${order.id}`, json(order));
    const { wrapper, cart, router } = await renderApp('/cart', { cart: filledCart() });

    await byLabel(wrapper, 'Email').setValue('  ana@example.com ');
    await wrapper.get('form.checkout-form').trigger('submit');
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/orders/${order.id}`));

    expect(api.requests[0]?.body).toEqual({
      customerEmail: 'ana@example.com',
      items: [
        { productId: 1, quantity: 2 },
        { productId: 2, quantity: 1 },
      ],
    });
    expect(cart.count.value).toBe(0);
    await vi.waitFor(() => expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Awaiting payment'));
  });

  it('asks for a valid email before calling the API', async () => {
    const api = stubApi();
    const { wrapper } = await renderApp('/cart', { cart: filledCart() });

    await byLabel(wrapper, 'Email').setValue('ana@example');
    await wrapper.get('form.checkout-form').trigger('submit');

    const input = byLabel(wrapper, 'Email');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(wrapper.get(`#${input.attributes('aria-describedby')}`).text()).toBe(
      'Enter an email address such as ana@example.com.',
    );
    expect(api.requests).toEqual([]);
  });

  it('keeps the cart and shows the API’s reasons when the order is refused', async () => {
    stubApi().on(
      'POST',
      '/orders',
      problem(409, 'Insufficient stock', 'Some items are no longer available in that quantity', [
        { path: ['items', 0, 'quantity'], message: 'only 1 left of Enamel mug' },
      ]),
    );
    const { wrapper, cart, router } = await renderApp('/cart', { cart: filledCart() });

    await byLabel(wrapper, 'Email').setValue('ana@example.com');
    await wrapper.get('form.checkout-form').trigger('submit');
    await vi.waitFor(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true));

    const alert = wrapper.get('[role="alert"]');
    expect(alert.text()).toContain('The order was not placed.');
    expect(alert.text()).toContain('Some items are no longer available in that quantity');
    expect(alert.get('li').text()).toBe('items.0.quantity: only 1 left of Enamel mug');
    expect(cart.count.value).toBe(3);
    expect(router.currentRoute.value.name).toBe('cart');
    expect(button(wrapper, 'Place order').attributes('disabled')).toBeUndefined();
  });
});
