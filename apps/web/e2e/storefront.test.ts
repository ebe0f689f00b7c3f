import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessibilityViolations, collectPageErrors, launchChromium } from './browser.ts';
import { startStack, type Stack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
/** Errors a test provokes on purpose (a 404 the page handles), removed before the clean-console check. */
let expectedErrors: RegExp[];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ locale: 'es-CL' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  pageErrors = collectPageErrors(page);
  expectedErrors = [];
});

afterEach(async () => {
  await context.close();
  expect(pageErrors.filter((e) => !expectedErrors.some((pattern) => pattern.test(e)))).toEqual([]);
});

/** Text of the element as a reader sees it, without the template's surrounding whitespace. */
async function text(locator: Locator): Promise<string | undefined> {
  return (await locator.textContent())?.replace(/\s+/g, ' ').trim();
}

async function addToCart(productName: string, quantity: number) {
  await page.goto(stack.webUrl);
  await page.getByRole('link', { name: productName }).click();
  await expect.poll(() => text(page.getByRole('heading', { level: 1 }))).toBe(productName);
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText(`Added ${quantity} × ${productName} to your cart`).waitFor();
}

async function placeOrder(email: string): Promise<string> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Cart/ }).click();
  await page.getByLabel('Email').fill(email);
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
  const orderId = new URL(page.url()).pathname.split('/').pop() ?? '';
  await expect.poll(() => text(page.getByTestId('order-status'))).toBe('Awaiting payment');
  return orderId;
}

describe('storefront against the real API', () => {
  it('lists the products from the database, with CLP prices and stock', async () => {
    await page.goto(stack.webUrl);
    await page.getByRole('heading', { name: 'Products', level: 1 }).waitFor();
    const cards = page.locator('article.product-card');
    await expect.poll(() => cards.count()).toBe(3);

    const names = await cards.locator('h2').allTextContents();
    expect(names.map((n) => n.trim()).sort()).toEqual(['Enamel mug', 'Storm lantern', 'Wool blanket']);
    const mug = cards.filter({ hasText: 'Enamel mug' });
    expect(await text(mug.locator('.price'))).toBe('$12.990');
    expect(await text(mug.locator('.stock'))).toContain('In stock');
    expect(await text(cards.filter({ hasText: 'Storm lantern' }).locator('.stock'))).toContain('Out of stock');
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('buys a product: detail, cart, order, sandbox payment approved, order paid', async () => {
    await addToCart('Enamel mug', 2);
    expect(await text(page.getByTestId('cart-count'))).toBe('2');
    expect(await accessibilityViolations(page)).toEqual([]);

    const orderId = await placeOrder('ana@example.com');
    expect(await text(page.getByTestId('order-total'))).toBe('$25.980');
    expect(await text(page.getByTestId('cart-count'))).toBe('0');
    const stock = await stack.db.query("select stock from products where sku = 'MUG-001'");
    expect(stock.rows).toEqual([{ stock: 8 }]);

    await page.getByRole('button', { name: 'Pay with sandbox' }).click();
    await page.getByRole('button', { name: 'Approve payment' }).click();
    await expect.poll(() => text(page.getByTestId('order-status')), { timeout: 20_000 }).toBe('Paid');
    await page.getByText('Payment received. Thank you for your order!').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    const order = await stack.db.query('select status, customer_email, total_cents from orders where id = $1', [
      orderId,
    ]);
    expect(order.rows).toEqual([{ status: 'paid', customer_email: 'ana@example.com', total_cents: 25980 }]);
    const payments = await stack.db.query('select provider, status, amount_cents from payments where order_id = $1', [
      orderId,
    ]);
    expect(payments.rows).toEqual([{ provider: 'sandbox', status: 'paid', amount_cents: 25980 }]);

    // The status survives a reload: it comes from the API, not from the page's memory.
    await page.reload();
    await expect.poll(() => text(page.getByTestId('order-status'))).toBe('Paid');
  });

  it('declines a sandbox payment, then pays the failed order with a second attempt', async () => {
    await addToCart('Wool blanket', 1);
    const orderId = await placeOrder('ben@example.com');

    await page.getByRole('button', { name: 'Pay with sandbox' }).click();
    await page.getByRole('button', { name: 'Decline payment' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Decline payment' }).click();
    await expect.poll(() => text(page.getByTestId('order-status')), { timeout: 20_000 }).toBe('Payment failed');
    await page.getByText('The payment did not go through.').waitFor();
    const declined = await stack.db.query('select status from orders where id = $1', [orderId]);
    expect(declined.rows).toEqual([{ status: 'failed' }]);

    await page.getByRole('button', { name: 'Pay with sandbox' }).click();
    await page.getByRole('button', { name: 'Approve payment' }).click();
    await expect.poll(() => text(page.getByTestId('order-status')), { timeout: 20_000 }).toBe('Paid');

    const payments = await stack.db.query(
      'select status, failure_reason is not null as has_reason from payments where order_id = $1 order by created_at',
      [orderId],
    );
    expect(payments.rows).toEqual([
      { status: 'failed', has_reason: true },
      { status: 'paid', has_reason: false },
    ]);
  });

  it('shows readiness checks and the version on the status page', async () => {
    await page.goto(`${stack.webUrl}/status`);
    await expect.poll(() => text(page.getByTestId('readiness-summary'))).toBe('Ready (HTTP 200)');
    const rows = page.locator('table.checks tbody tr');
    for (const check of ['database', 'migrations', 'storage']) {
      const row = rows.filter({ has: page.locator(`th:text-is("${check}")`) });
      expect(await text(row.locator('td').first())).toBe('OK');
      expect(await text(row.locator('td').nth(1))).toMatch(/^\d+ ms$/);
    }

    const version = (await (await fetch(`${stack.apiUrl}/version`)).json()) as { version: string; commit: string };
    expect(await text(page.getByTestId('api-version'))).toBe(version.version);
    expect(await text(page.locator('dl.version'))).toContain(version.commit);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('opens deep links from the static server and says when a product does not exist', async () => {
    const mugId = stack.productIds.get('MUG-001');
    await page.goto(`${stack.webUrl}/products/${mugId}`);
    await expect.poll(() => text(page.getByRole('heading', { level: 1 }))).toBe('Enamel mug');

    // The browser logs the API's 404 for the missing product; the page handles it.
    expectedErrors.push(/status of 404/);
    await page.goto(`${stack.webUrl}/products/999999`);
    await expect.poll(() => text(page.getByRole('heading', { level: 1 }))).toBe('Product not found');
    expect(pageErrors.filter((e) => /status of 404/.test(e))).toHaveLength(1);
  });
});
