import { z } from 'zod';
import type { SandboxConfig } from '@shopops/config';
import type { PaymentProvider, WebhookEvent } from './types.ts';

/** Checkout page of a sandbox payment; POST { outcome } there and the sandbox delivers its signed webhook. */
export function sandboxCheckoutUrl(publicBaseUrl: string, paymentId: string): string {
  return `${publicBaseUrl}/payments/sandbox/checkout/${paymentId}`;
}

/**
 * A provider for dev and tests that moves no money: its checkout is served by this API, and its webhook
 * `{ paymentId, outcome, reason? }` (header sandbox-signature) goes through the same verification as the
 * real providers'. Refused in prod by the config.
 */
export function sandboxProvider(config: SandboxConfig, publicBaseUrl: () => string): PaymentProvider {
  return {
    name: 'sandbox',
    signatureHeader: 'sandbox-signature',
    webhookSecret: config.secret,
    webhookSchema: z
      .object({ paymentId: z.uuid(), outcome: z.enum(['paid', 'failed']), reason: z.string().max(500).optional() })
      .transform((body): WebhookEvent => ({
        match: { paymentId: body.paymentId },
        outcome: body.outcome,
        ...(body.outcome === 'failed' ? { reason: body.reason ?? 'failed in the sandbox' } : {}),
      })),
    async start(input) {
      return {
        reference: `sandbox-${input.paymentId}`,
        checkoutUrl: sandboxCheckoutUrl(publicBaseUrl(), input.paymentId),
      };
    },
  };
}
