import type { z } from 'zod';

export const PROVIDER_NAMES = ['webpay', 'flow', 'mercadopago', 'sandbox'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface StartInput {
  paymentId: string;
  orderId: string;
  /** In the currency's minor unit, as stored. */
  amountCents: number;
  currency: string;
  customerEmail: string;
  description: string;
  /** Where the provider sends the customer back (the storefront's order page). */
  returnUrl: string;
  /** Where the provider posts its signed notification (this API). */
  webhookUrl: string;
}

export interface StartResult {
  /** The provider's id for the payment; webhooks name it. */
  reference: string;
  /** Where the customer goes to pay. */
  checkoutUrl: string;
}

/** A webhook's verdict. `pending` changes nothing (the provider is still waiting on the customer). */
export interface WebhookEvent {
  /** Which payment: by the provider's reference, or by our payment id where the provider echoes it. */
  match: { reference: string } | { paymentId: string };
  outcome: 'paid' | 'failed' | 'pending';
  reason?: string;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** Header holding `sha256=<hex HMAC-SHA256 of the raw body>` on this provider's webhooks. */
  readonly signatureHeader: string;
  readonly webhookSecret: string;
  /** The provider's webhook body; invalid bodies are answered 400. */
  readonly webhookSchema: z.ZodType<WebhookEvent>;
  start(input: StartInput, signal: AbortSignal): Promise<StartResult>;
}

/** A provider's start call failed: its API is down, refused the request, or answered nonsense. */
export class ProviderError extends Error {
  constructor(provider: ProviderName, message: string, options?: { cause?: unknown }) {
    super(`${provider}: ${message}`, options);
    this.name = 'ProviderError';
  }
}
