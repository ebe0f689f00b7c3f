import { afterEach, describe, expect, it, vi } from 'vitest';
import { aProduct, json, problem, stubApi } from '../testing/api-stub.ts';
import { button, byLabel, renderApp } from '../testing/render.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('product detail', () => {
  it('shows the product and adds the chosen quantity to the cart', async () => {
    stubApi().on('GET', '/products/1', json(aProduct({ stock: 5 })));
    const { wrapper, cart } = await renderApp('/products/1');

    expect(wrapper.get('h1').text()).toBe('Enamel mug');
    expect(wrapper.text()).toContain('SKU MUG-001');
    expect(wrapper.text()).toContain('$12.990');
    expect(wrapper.text()).toContain('5 in stock');
    expect(wrapper.find('.product-image--placeholder').exists()).toBe(true);

    await byLabel(wrapper, 'Quantity').setValue(3);
    await wrapper.get('form.add-to-cart').trigger('submit');

    expect(cart.lines.value.map((l) => [l.productId, l.quantity])).toEqual([[1, 3]]);
    expect(wrapper.get('[data-testid="cart-count"]').text()).toBe('3');
    expect(wrapper.get('p.notice').text()).toContain('Added 3 × Enamel mug to your cart (3 in cart).');
    // Only two more can be added now.
    expect(byLabel(wrapper, 'Quantity').attributes('max')).toBe('2');
  });

  it('refuses a quantity above what is left', async () => {
    stubApi().on('GET', '/products/1', json(aProduct({ stock: 2 })));
    const { wrapper, cart } = await renderApp('/products/1');
    await byLabel(wrapper, 'Quantity').setValue(3);
    expect(button(wrapper, 'Add to cart').attributes('disabled')).toBeDefined();
    await wrapper.get('form.add-to-cart').trigger('submit');
    expect(cart.count.value).toBe(0);
  });

  it('offers no add-to-cart for a product out of stock or no longer sold', async () => {
    stubApi()
      .on('GET', '/products/1', json(aProduct({ stock: 0 })))
      .on('GET', '/products/2', json(aProduct({ id: 2, active: false })));
    const { wrapper, router } = await renderApp('/products/1');
    expect(wrapper.text()).toContain('Out of stock');
    expect(wrapper.find('form.add-to-cart').exists()).toBe(false);

    await router.push('/products/2');
    await vi.waitFor(() => expect(wrapper.text()).toContain('This product is no longer sold.'));
    expect(wrapper.find('form.add-to-cart').exists()).toBe(false);
  });

  it('shows the product image when there is one', async () => {
    stubApi().on('GET', '/products/1', json(aProduct({ imageUrl: 'http://s3.test/uploads/mug.jpg' })));
    const { wrapper } = await renderApp('/products/1');
    const image = wrapper.get('img.product-image');
    expect(image.attributes()).toMatchObject({ src: 'http://s3.test/uploads/mug.jpg', alt: 'Enamel mug' });
  });

  it('says "not found" for a 404', async () => {
    stubApi().on('GET', '/products/404', problem(404, 'Not Found', 'No product 404'));
    const { wrapper } = await renderApp('/products/404');
    expect(wrapper.get('h1').text()).toBe('Product not found');
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });

  it('routes a non-numeric id to the not-found page without calling the API', async () => {
    const api = stubApi();
    const { wrapper } = await renderApp('/products/abc');
    expect(wrapper.get('h1').text()).toBe('Page not found');
    expect(api.requests).toEqual([]);
  });
});
