import { inject, type InjectionKey } from 'vue';
import type { ApiClient } from './client.ts';

export const apiKey: InjectionKey<ApiClient> = Symbol('api');

export function useApi(): ApiClient {
  const api = inject(apiKey);
  if (!api) throw new Error('useApi() needs a client provided with app.provide(apiKey, createApiClient(...))');
  return api;
}
