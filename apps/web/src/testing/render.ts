import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory } from 'vue-router';
import App from '../App.vue';
import { createApiClient } from '../api/client.ts';
import { apiKey } from '../api/use-api.ts';
import { cartKey, createCart, type Cart } from '../cart/cart.ts';
import { createAppRouter } from '../router.ts';
import { API_URL } from './api-stub.ts';

export function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    values,
  };
}

/** The whole app (layout, router, views) at `path`, against the stubbed fetch. */
export async function renderApp(path: string, options: { cart?: Cart } = {}) {
  const router = createAppRouter(createMemoryHistory());
  const cart = options.cart ?? createCart(memoryStorage());
  const api = createApiClient({ baseUrl: API_URL, timeoutMs: 2000 });
  await router.push(path);
  const wrapper = mount(App, {
    attachTo: document.body,
    global: { plugins: [router], provide: { [apiKey as symbol]: api, [cartKey as symbol]: cart } },
  });
  await flushPromises();
  return { wrapper, router, cart };
}

/** The form control a <label> names, as a user (or a screen reader) finds it. */
export function byLabel(wrapper: VueWrapper, text: string | RegExp) {
  const label = wrapper
    .findAll('label')
    .find((l) => (typeof text === 'string' ? l.text() === text : text.test(l.text())));
  if (!label) throw new Error(`no label ${String(text)} in:\n${wrapper.html()}`);
  const id = label.attributes('for');
  if (!id) throw new Error(`label ${String(text)} has no for attribute`);
  return wrapper.get(`#${CSS.escape(id)}`);
}

export function button(wrapper: VueWrapper, text: string | RegExp) {
  const found = wrapper
    .findAll('button')
    .find((b) => (typeof text === 'string' ? b.text() === text : text.test(b.text())));
  if (!found) throw new Error(`no button ${String(text)} in:\n${wrapper.html()}`);
  return found;
}
