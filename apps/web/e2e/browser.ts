import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, RunOptions } from 'axe-core';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless; playwright-core drives it and never downloads a browser. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Console errors, uncaught exceptions and failed requests of a page, for "nothing went wrong" assertions.
 * A request the browser aborts because the page navigated on (a favicon still loading when the test
 * moves to the next URL) is the browser tidying up, not a failure: it is left out when a main-frame
 * navigation started after the request did. Every other failed request counts, aborted or not.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  let navigations = 0;
  const navigationsAtStart = new WeakMap<Request, number>();
  page.on('request', (request) => {
    navigationsAtStart.set(request, navigations);
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) navigations += 1;
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText;
    if (reason === 'net::ERR_ABORTED' && abortedByNavigation(request)) return;
    errors.push(`request failed: ${request.method()} ${request.url()} (${reason})`);
  });
  function abortedByNavigation(request: Request): boolean {
    return !request.isNavigationRequest() && (navigationsAtStart.get(request) ?? navigations) < navigations;
  }
  return errors;
}

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * WCAG 2.1 A/AA and best-practice violations axe-core finds in the page as it is now, one line each
 * (rule, impact, the elements), so a failing assertion says what to fix.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeSource });
  const options: RunOptions = { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] };
  const results = await page.evaluate(
    (runOptions) => (globalThis as unknown as { axe: { run(o: RunOptions): Promise<AxeResults> } }).axe.run(runOptions),
    options,
  );
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}
