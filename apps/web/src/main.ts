import { createApp } from 'vue';
import { createWebHistory } from 'vue-router';
import App from './App.vue';
import { apiKey } from './api/use-api.ts';
import { cartKey, createCart } from './cart/cart.ts';
import { api } from './config.ts';
import { createAppRouter } from './router.ts';
import './styles.css';

createApp(App)
  .provide(apiKey, api)
  .provide(cartKey, createCart(window.localStorage))
  .use(createAppRouter(createWebHistory(import.meta.env.BASE_URL)))
  .mount('#app');
