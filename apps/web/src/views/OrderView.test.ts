import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Order, OrderPayment } from '../api/schemas.ts';
import { API_URL, anOrder, json, problem, stubApi } from '../testing/api-stub.ts';
import { button, renderApp } from '../testing/render.ts';

const order = anOrder();
const orderPath = `/orders/${order.id}`;
const checkoutPath = '/payments/sandbox/pay_1/checkout';

function startedPayment() {
  return json(
    {
      id: 'pay_1',
      orderId: order.id,
      provider: 'sandbox',
      status: 'started',
      amountCents: order.totalCents,
      currency: 'CLP',
      checkoutUrl: `${API_URL}${checkoutPath}`,
    },
    201,
  );
}

const payment = (status: OrderPayment['status']): OrderPayment => ({ id: 'pay_1', provider: 'sandbox', status });

/** GET /orders/:id answers each state in turn, then keeps answering the last one. */
function orderStates(...states: Partial<Order>[]) {
  let call = 0;
  return () => json(anOrder(states[Math.min(call++, states.length - 1)]));
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

describe('order page', () => {
  it('shows the order with its items and total', async () => {
    stubApi().on('GET', orderPath, json(order));
    const { wrapper } = await renderApp(orderPath);
    expect(wrapper.get('h1').text()).toBe('Order 0b6e8f52');
    expect(wrapper.text()).toContain('ana@example.com');
    expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Awaiting payment');
    expect(wrapper.get('tbody tr').text()).toContain('Enamel mug');
    expect(wrapper.get('[data-testid="order-total"]').text()).toBe('$25.980');
  });

  it('pays with the sandbox: start, approve, then polls until the order is paid', async () => {
    const api = stubApi()
      .on(
        'GET',
        orderPath,
        orderStates(
          { status: 'pending' },
          { status: 'pending', payments: [payment('started')] },
          { status: 'paid', payments: [payment('paid')] },
        ),
      )
      .on('POST', `${orderPath}/payments`, startedPayment())
      .on('POST', checkoutPath, new Response(null, { status: 204 }));
    const { wrapper } = await renderApp(orderPath);

    await button(wrapper, 'Pay with sandbox').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('.sandbox-checkout').exists()).toBe(true));
    expect(wrapper.get('.sandbox-checkout').text()).toContain('$25.980');

    await button(wrapper, 'Approve payment').trigger('click');
    // The first poll, right after the checkout, still sees the payment started.
    await vi.waitFor(() => expect(wrapper.text()).toContain('Waiting for the payment confirmation…'));
    expect(api.requests).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Paid');
    expect(wrapper.get('.order-status').text()).toContain('Payment received');
    expect(wrapper.find('section.payment').exists()).toBe(false);

    const calls = api.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual([
      `GET ${orderPath}`,
      `POST ${orderPath}/payments`,
      `POST ${checkoutPath}`,
      `GET ${orderPath}`,
      `GET ${orderPath}`,
    ]);
    expect(api.requests[1]?.body).toEqual({ provider: 'sandbox' });
    expect(api.requests[2]?.body).toEqual({ outcome: 'paid' });

    // Polling stopped once the order was paid.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(api.requests).toHaveLength(5);
    expect(api.unmatched).toEqual([]);
  });

  it('shows a declined payment that failed the order (the order status alone ends the wait)', async () => {
    const api = stubApi()
      .on('GET', orderPath, orderStates({ status: 'pending' }, { status: 'failed', payments: [] }))
      .on('POST', `${orderPath}/payments`, startedPayment())
      .on('POST', checkoutPath, new Response(null, { status: 204 }));
    const { wrapper } = await renderApp(orderPath);

    await button(wrapper, 'Pay with sandbox').trigger('click');
    await vi.waitFor(() => button(wrapper, 'Decline payment'));
    await button(wrapper, 'Decline payment').trigger('click');

    await vi.waitFor(() => expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Payment failed'));
    expect(wrapper.text()).toContain('The payment did not go through.');
    expect(api.requests[2]?.body).toEqual({ outcome: 'failed' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.requests).toHaveLength(4);
    // A failed order can be paid again.
    expect(button(wrapper, 'Pay with sandbox').attributes('disabled')).toBeUndefined();
  });

  it('pays a failed order again, waiting for the new payment rather than the old status', async () => {
    const retry = { id: 'pay_2', provider: 'sandbox', status: 'started' as const };
    const api = stubApi()
      .on(
        'GET',
        orderPath,
        orderStates(
          { status: 'failed', payments: [payment('failed')] },
          { status: 'failed', payments: [payment('failed'), retry] },
          { status: 'paid', payments: [payment('failed'), { ...retry, status: 'paid' }] },
        ),
      )
      .on('POST', `${orderPath}/payments`, async () => {
        const started = await startedPayment().json();
        return json({ ...started, id: 'pay_2', checkoutUrl: `${API_URL}/payments/sandbox/pay_2/checkout` }, 201);
      })
      .on('POST', '/payments/sandbox/pay_2/checkout', new Response(null, { status: 204 }));
    const { wrapper } = await renderApp(orderPath);
    expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Payment failed');

    await button(wrapper, 'Pay with sandbox').trigger('click');
    await vi.waitFor(() => button(wrapper, 'Approve payment'));
    await button(wrapper, 'Approve payment').trigger('click');
    // Still "failed" with the new payment started: keep waiting.
    await vi.waitFor(() => expect(wrapper.text()).toContain('Waiting for the payment confirmation…'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Paid');
    expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
  });

  it('offers another attempt when the payment failed but the order is still open', async () => {
    stubApi()
      .on('GET', orderPath, orderStates({ status: 'pending' }, { status: 'pending', payments: [payment('failed')] }))
      .on('POST', `${orderPath}/payments`, startedPayment())
      .on('POST', checkoutPath, new Response(null, { status: 204 }));
    const { wrapper } = await renderApp(orderPath);

    await button(wrapper, 'Pay with sandbox').trigger('click');
    await vi.waitFor(() => button(wrapper, 'Decline payment'));
    await button(wrapper, 'Decline payment').trigger('click');

    await vi.waitFor(() => expect(wrapper.text()).toContain('The last payment attempt was declined.'));
    expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Awaiting payment');
    expect(button(wrapper, 'Pay with sandbox').attributes('disabled')).toBeUndefined();
  });

  it('says plainly that payments are switched off (503)', async () => {
    stubApi()
      .on('GET', orderPath, json(order))
      .on('POST', `${orderPath}/payments`, problem(503, 'Payments disabled', 'The payments feature is off'));
    const { wrapper } = await renderApp(orderPath);

    await button(wrapper, 'Pay with sandbox').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true));
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'Payments are switched off right now. Your order is saved: come back to this page later to pay.',
    );
    expect(wrapper.find('.sandbox-checkout').exists()).toBe(false);
  });

  it('shows other payment errors with the API’s detail, and lets the user retry the checkout', async () => {
    let checkoutCalls = 0;
    stubApi()
      .on('GET', orderPath, orderStates({ status: 'pending' }, { status: 'paid', payments: [payment('paid')] }))
      .on('POST', `${orderPath}/payments`, startedPayment())
      .on('POST', checkoutPath, () =>
        ++checkoutCalls === 1
          ? problem(502, 'Bad Gateway', 'Webhook delivery failed')
          : new Response(null, { status: 204 }),
      );
    const { wrapper } = await renderApp(orderPath);

    await button(wrapper, 'Pay with sandbox').trigger('click');
    await vi.waitFor(() => button(wrapper, 'Approve payment'));
    await button(wrapper, 'Approve payment').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[role="alert"]').exists()).toBe(true));
    expect(wrapper.get('[role="alert"]').text()).toContain('Webhook delivery failed');

    await button(wrapper, 'Approve payment').trigger('click');
    await vi.waitFor(() => expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Paid'));
  });

  it('stops polling after a minute without news, and checks again on request', async () => {
    let confirmed = false;
    const api = stubApi()
      .on('GET', orderPath, () =>
        json(
          confirmed
            ? anOrder({ status: 'paid', payments: [payment('paid')] })
            : anOrder({ payments: [payment('started')] }),
        ),
      )
      .on('POST', `${orderPath}/payments`, startedPayment())
      .on('POST', checkoutPath, new Response(null, { status: 204 }));
    const { wrapper } = await renderApp(orderPath);

    await button(wrapper, 'Pay with sandbox').trigger('click');
    await vi.waitFor(() => button(wrapper, 'Approve payment'));
    await button(wrapper, 'Approve payment').trigger('click');
    await vi.waitFor(() => expect(wrapper.text()).toContain('Waiting for the payment confirmation…'));

    await vi.advanceTimersByTimeAsync(61_000);
    expect(wrapper.text()).toContain('The payment provider has not confirmed yet.');
    const polls = api.requests.filter((r) => r.method === 'GET').length;
    expect(polls).toBe(1 + 60);

    confirmed = true;
    await button(wrapper, 'Check again').trigger('click');
    await vi.waitFor(() => expect(wrapper.get('[data-testid="order-status"]').text()).toBe('Paid'));
  });

  it('says "not found" for an unknown order', async () => {
    stubApi().on('GET', '/orders/nope', problem(404, 'Not Found', 'No order nope'));
    const { wrapper } = await renderApp('/orders/nope');
    expect(wrapper.get('h1').text()).toBe('Order not found');
  });
});
