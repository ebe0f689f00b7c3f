import { afterEach, describe, expect, it, vi } from 'vitest';
import { aProduct, json, problem, stubApi } from '../testing/api-stub.ts';
import { button, renderApp } from '../testing/render.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('product list', () => {
  it('lists products with price and stock, linking to each detail page', async () => {
    const api = stubApi().on(
      'GET',
      '/products?limit=12&offset=0',
      json({
        items: [aProduct({ id: 1 }), aProduct({ id: 2, name: 'Wool blanket', priceCents: 45000, stock: 0 })],
        total: 2,
      }),
    );
    const { wrapper } = await renderApp('/');

    const cards = wrapper.findAll('article.product-card');
    expect(cards.map((c) => c.get('h2').text())).toEqual(['Enamel mug', 'Wool blanket']);
    expect(cards[0]?.text()).toContain('$12.990');
    expect(cards[0]?.text()).toContain('In stock');
    expect(cards[1]?.text()).toContain('$45.000');
    expect(cards[1]?.text()).toContain('Out of stock');
    expect(cards[1]?.get('a').attributes('href')).toBe('/products/2');
    expect(wrapper.find('nav[aria-label="Pagination"]').exists()).toBe(false);
    expect(document.title).toBe('Products · ShopOps');
    expect(api.unmatched).toEqual([]);
  });

  it('pages with ?page=, asking the API for the right offset', async () => {
    const items = Array.from({ length: 12 }, (_, i) => aProduct({ id: 13 + i, name: `Product ${13 + i}` }));
    const api = stubApi().on('GET', '/products?limit=12&offset=12', json({ items, total: 30 }));
    const { wrapper } = await renderApp('/?page=2');

    const pagination = wrapper.get('nav[aria-label="Pagination"]');
    expect(pagination.text()).toContain('Page 2 of 3');
    expect(pagination.get('a[rel="prev"]').attributes('href')).toBe('/');
    expect(pagination.get('a[rel="next"]').attributes('href')).toBe('/?page=3');
    expect(api.unmatched).toEqual([]);
  });

  it('says so when there are no products', async () => {
    stubApi().on('GET', '/products?limit=12&offset=0', json({ items: [], total: 0 }));
    const { wrapper } = await renderApp('/');
    expect(wrapper.text()).toContain('No products yet');
  });

  it('shows the API’s problem and retries on request', async () => {
    let calls = 0;
    const api = stubApi().on('GET', '/products?limit=12&offset=0', () => {
      calls += 1;
      return calls === 1
        ? problem(503, 'Service Unavailable', 'The database is not reachable')
        : json({ items: [aProduct()], total: 1 });
    });
    const { wrapper } = await renderApp('/');

    const alert = wrapper.get('[role="alert"]');
    expect(alert.text()).toContain('Could not load the products.');
    expect(alert.text()).toContain('The database is not reachable');

    await button(wrapper, 'Try again').trigger('click');
    await vi.waitFor(() => expect(wrapper.findAll('article.product-card')).toHaveLength(1));
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    expect(api.requests).toHaveLength(2);
  });

  it('shows a loading state while the API answers', async () => {
    let answer: (response: Response) => void = () => {};
    stubApi().on('GET', '/products?limit=12&offset=0', () => new Promise<Response>((resolve) => (answer = resolve)));
    const { wrapper } = await renderApp('/');
    expect(wrapper.get('[role="status"]').text()).toBe('Loading products…');
    answer(json({ items: [aProduct()], total: 1 }));
    await vi.waitFor(() => expect(wrapper.findAll('article.product-card')).toHaveLength(1));
  });
});
