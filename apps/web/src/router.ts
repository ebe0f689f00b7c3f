import { createRouter, type RouterHistory, type RouteRecordRaw } from 'vue-router';
import CartView from './views/CartView.vue';
import NotFoundView from './views/NotFoundView.vue';
import OrderView from './views/OrderView.vue';
import ProductDetailView from './views/ProductDetailView.vue';
import ProductListView from './views/ProductListView.vue';
import StatusView from './views/StatusView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Document title of the page, before " · ShopOps". */
    title?: string;
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'products', component: ProductListView, meta: { title: 'Products' } },
  {
    path: '/products/:id(\\d+)',
    name: 'product',
    component: ProductDetailView,
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'Product' },
  },
  { path: '/cart', name: 'cart', component: CartView, meta: { title: 'Cart' } },
  { path: '/orders/:id', name: 'order', component: OrderView, props: true, meta: { title: 'Order' } },
  { path: '/status', name: 'status', component: StatusView, meta: { title: 'Status' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: NotFoundView, meta: { title: 'Not found' } },
];

export function createAppRouter(history: RouterHistory) {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  });
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · ShopOps` : 'ShopOps';
  });
  return router;
}
