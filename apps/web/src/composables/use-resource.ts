import { onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue';

export interface Resource<T> {
  data: ShallowRef<T | undefined>;
  error: ShallowRef<unknown>;
  loading: Ref<boolean>;
  /** Loads again, cancelling a load still in flight; its result is then ignored. */
  reload(): Promise<void>;
}

/** Loading state for one API read: the newest call wins, and leaving the page cancels it. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const data = shallowRef<T>();
  const error = shallowRef<unknown>();
  const loading = ref(false);
  let current: AbortController | undefined;

  async function reload() {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    loading.value = true;
    error.value = undefined;
    try {
      const value = await load(controller.signal);
      if (current === controller) data.value = value;
    } catch (caught) {
      if (current === controller && !controller.signal.aborted) {
        data.value = undefined;
        error.value = caught;
      }
    } finally {
      if (current === controller) loading.value = false;
    }
  }

  onScopeDispose(() => current?.abort());
  return { data, error, loading, reload };
}
