import { ProviderError, type ProviderName } from './types.ts';

/** POSTs to a provider's API and returns its JSON answer; anything but a 2xx JSON body is a ProviderError. */
export async function postToProvider(
  provider: ProviderName,
  url: string,
  init: { headers: Record<string, string>; body: string },
  signal: AbortSignal,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal });
  } catch (error) {
    throw new ProviderError(provider, `cannot reach ${new URL(url).origin}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ProviderError(provider, `answered ${response.status}: ${text.slice(0, 200)}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError(provider, `answered ${response.status} with a body that is not JSON`);
  }
}

/** Amount in major units for APIs that take them (CLP has no minor unit, USD two digits). */
export function majorUnits(amountMinor: number, currency: string): number {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return amountMinor / 10 ** digits;
}
