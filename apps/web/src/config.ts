import { createApiClient } from './api/client.ts';

/** Fixed at build time (`VITE_API_URL`); the default is the API of the local stack. */
export const apiBaseUrl = import.meta.env.VITE_API_URL?.trim() || 'http://127.0.0.1:8080';

export const api = createApiClient({ baseUrl: apiBaseUrl });
