import type { Config } from '@shopops/config';
import { flowProvider } from './flow.ts';
import { mercadoPagoProvider } from './mercadopago.ts';
import { sandboxProvider } from './sandbox.ts';
import type { PaymentProvider, ProviderName } from './types.ts';
import { webpayProvider } from './webpay.ts';

export { PROVIDER_NAMES, ProviderError, type PaymentProvider, type ProviderName } from './types.ts';

/** The providers whose credentials are configured; the others are not offered. */
export function configuredProviders(
  payments: Config['payments'],
  publicBaseUrl: () => string,
): Map<ProviderName, PaymentProvider> {
  const providers = new Map<ProviderName, PaymentProvider>();
  if (payments.webpay) providers.set('webpay', webpayProvider(payments.webpay));
  if (payments.flow) providers.set('flow', flowProvider(payments.flow));
  if (payments.mercadopago) providers.set('mercadopago', mercadoPagoProvider(payments.mercadopago));
  if (payments.sandbox) providers.set('sandbox', sandboxProvider(payments.sandbox, publicBaseUrl));
  return providers;
}
