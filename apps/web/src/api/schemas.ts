import { z } from 'zod';

// Response shapes of the API (camelCase JSON). Unknown keys are dropped, so the API can add fields
// without breaking the storefront; a missing or mistyped field fails loudly at the client boundary.

export const productSchema = z.object({
  id: z.number().int(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number().int(),
  currency: z.string().length(3),
  stock: z.number().int(),
  imageUrl: z.string().nullable(),
  active: z.boolean(),
});
export type Product = z.infer<typeof productSchema>;

export const productPageSchema = z.object({
  items: z.array(productSchema),
  total: z.number().int(),
});
export type ProductPage = z.infer<typeof productPageSchema>;

export const orderStatusSchema = z.enum(['pending', 'paid', 'cancelled', 'failed', 'expired']);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

export const paymentStatusSchema = z.enum(['started', 'paid', 'failed']);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

export const orderPaymentSchema = z.object({
  id: z.string(),
  provider: z.string(),
  status: paymentStatusSchema,
});
export type OrderPayment = z.infer<typeof orderPaymentSchema>;

export const orderSchema = z.object({
  id: z.string(),
  status: orderStatusSchema,
  customerEmail: z.string(),
  totalCents: z.number().int(),
  currency: z.string().length(3),
  items: z.array(
    z.object({
      productId: z.number().int(),
      name: z.string(),
      quantity: z.number().int(),
      unitPriceCents: z.number().int(),
    }),
  ),
  payments: z.array(orderPaymentSchema),
  createdAt: z.string(),
});
export type Order = z.infer<typeof orderSchema>;

export const startedPaymentSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  provider: z.string(),
  status: paymentStatusSchema,
  amountCents: z.number().int(),
  currency: z.string().length(3),
  checkoutUrl: z.string(),
});
export type StartedPayment = z.infer<typeof startedPaymentSchema>;

export const readinessCheckSchema = z.looseObject({
  ok: z.boolean(),
  latencyMs: z.number().optional(),
  error: z.string().optional(),
});
export type ReadinessCheck = z.infer<typeof readinessCheckSchema>;

export const readinessSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), readinessCheckSchema),
});
export type Readiness = z.infer<typeof readinessSchema>;

export const versionSchema = z.object({
  version: z.string(),
  commit: z.string(),
  buildTime: z.string(),
});
export type VersionInfo = z.infer<typeof versionSchema>;

/** RFC 9457 problem details, as the API sends them with every 4xx and 5xx. */
export const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.unknown().optional(),
});
export type Problem = z.infer<typeof problemSchema>;
