import { onScopeDispose } from 'vue';

export interface PollingOptions {
  intervalMs: number;
  maxAttempts: number;
}

export interface Poller {
  /**
   * Calls `check` now and then every `intervalMs` until it returns true (resolves 'done') or
   * `maxAttempts` calls have returned false or thrown (resolves 'gave-up'). A failed call counts as
   * "not yet": a dropped request during a deploy should not end the wait. Starting again, or
   * leaving the page, cancels the previous run (it resolves 'cancelled').
   */
  start(check: (signal: AbortSignal) => Promise<boolean>): Promise<'done' | 'gave-up' | 'cancelled'>;
  stop(): void;
}

export function usePolling({ intervalMs, maxAttempts }: PollingOptions): Poller {
  let cancelRun: (() => void) | undefined;

  function stop() {
    cancelRun?.();
    cancelRun = undefined;
  }

  function start(check: (signal: AbortSignal) => Promise<boolean>) {
    stop();
    return new Promise<'done' | 'gave-up' | 'cancelled'>((resolve) => {
      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      let attempts = 0;
      const finish = (result: 'done' | 'gave-up' | 'cancelled') => {
        clearTimeout(timer);
        if (cancelRun === cancel) cancelRun = undefined;
        resolve(result);
      };
      const cancel = () => {
        controller.abort();
        finish('cancelled');
      };
      cancelRun = cancel;

      const attempt = async () => {
        attempts += 1;
        const done = await check(controller.signal).catch(() => false);
        if (controller.signal.aborted) return;
        if (done) return finish('done');
        if (attempts >= maxAttempts) return finish('gave-up');
        timer = setTimeout(attempt, intervalMs);
      };
      void attempt();
    });
  }

  onScopeDispose(stop);
  return { start, stop };
}
