import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { usePolling } from './use-polling.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('usePolling', () => {
  it('checks at once and then every interval until the check says done', async () => {
    const poller = effectScope().run(() => usePolling({ intervalMs: 1000, maxAttempts: 10 }))!;
    const check = vi
      .fn<() => Promise<boolean>>()
      .mockResolvedValueOnce(false)
      .mockResolvedValueOnce(false)
      .mockResolvedValue(true);
    const result = poller.start(check);
    await vi.advanceTimersByTimeAsync(0);
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(check).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2001);
    await expect(result).resolves.toBe('done');
    expect(check).toHaveBeenCalledTimes(3);
  });

  it('counts a failed check as "not yet" and gives up after maxAttempts', async () => {
    const poller = effectScope().run(() => usePolling({ intervalMs: 100, maxAttempts: 3 }))!;
    const check = vi.fn<() => Promise<boolean>>().mockRejectedValueOnce(new Error('502')).mockResolvedValue(false);
    const result = poller.start(check);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(result).resolves.toBe('gave-up');
    expect(check).toHaveBeenCalledTimes(3);
  });

  it('cancels the run (and aborts its request) when the scope ends', async () => {
    const scope = effectScope();
    const poller = scope.run(() => usePolling({ intervalMs: 100, maxAttempts: 100 }))!;
    let signal: AbortSignal | undefined;
    const check = vi.fn(async (s: AbortSignal) => {
      signal = s;
      return false;
    });
    const result = poller.start(check);
    await vi.advanceTimersByTimeAsync(250);
    scope.stop();
    await expect(result).resolves.toBe('cancelled');
    expect(signal?.aborted).toBe(true);
    const calls = check.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(check).toHaveBeenCalledTimes(calls);
  });

  it('starting again cancels the previous run', async () => {
    const poller = effectScope().run(() => usePolling({ intervalMs: 100, maxAttempts: 100 }))!;
    const first = poller.start(async () => false);
    const second = poller.start(async () => true);
    await vi.advanceTimersByTimeAsync(0);
    await expect(first).resolves.toBe('cancelled');
    await expect(second).resolves.toBe('done');
  });
});
