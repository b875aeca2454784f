import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoResponder, type FakeLlmServer, startFakeAnthropic } from '@uaip/core/testing';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { type AppProcess, startApp, tempDataDir } from './app-process.test-support';
import { bundlePath } from './demo-page';

// What the reference app's browser tests share: real Chromium (Debian's, never a downloaded
// build), the app with the demo page against a fake Claude that answers like the demo provider,
// a page signed in as `<uaip-app>` keeps it, and the page's text as a person reads it.

/** Where Chromium is: CHROMIUM_PATH, or Debian's. */
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether Chromium is there. Without it, throws under UAIP_REQUIRE_SERVICES=1, else warns that
 * `what` is skipped: called while the test file loads, so the warning is under its name (a skip
 * must never pass unnoticed).
 */
export function chromiumOrSkip(what: string): boolean {
  const hasChromium = existsSync(executablePath);
  if (!hasChromium && process.env.UAIP_REQUIRE_SERVICES === '1') {
    throw new Error(
      `Chromium not found at ${executablePath}; UAIP_REQUIRE_SERVICES=1 forbids skipping`,
    );
  }
  if (!hasChromium) {
    console.warn(
      `Skipped: ${what}, for want of Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH).`,
    );
  }
  return hasChromium;
}

/**
 * Where screenshots go: UAIP_SCREENSHOTS_DIR (e.g. docs/images, to refresh the README's
 * pictures), or a temporary folder, so an ordinary test run leaves the repository's images alone.
 */
export const screenshotsDir = () =>
  process.env.UAIP_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'uaip-screens-'));

/** The running app and Chromium of a describe (set in its beforeAll). */
export interface DemoInChromium {
  readonly app: AppProcess;
  readonly browser: Browser;
}

/**
 * Before the describe's tests: the web component's standalone bundle built (every time with
 * `rebuildBundle`, so the page loads this checkout's component; else only when missing), a
 * fake Claude, the app on a fresh data folder and Chromium; all stopped after them.
 */
export function demoInChromium({ rebuildBundle }: { rebuildBundle: boolean }): DemoInChromium {
  let claude: FakeLlmServer | undefined;
  let app: AppProcess | undefined;
  let browser: Browser | undefined;
  let data: { dir: string; remove(): Promise<void> } | undefined;
  beforeAll(async () => {
    if (rebuildBundle || !existsSync(bundlePath())) {
      execFileSync(process.execPath, ['scripts/build-standalone.mjs'], {
        cwd: join(import.meta.dirname, '../../../packages/web-component'),
      });
    }
    claude = await startFakeAnthropic();
    claude.respond(demoResponder('anthropic'));
    data = await tempDataDir();
    app = await startApp({
      DATA_DIR: data.dir,
      LLM_PROVIDERS: 'anthropic',
      ANTHROPIC_API_KEY: 'sk-test',
      ANTHROPIC_BASE_URL: claude.url,
    });
    browser = await chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop('SIGKILL');
    await claude?.close();
    await data?.remove();
  });
  return {
    get app() {
      if (!app) throw new Error('the app is not started: use it in a test');
      return app;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not launched: use it in a test');
      return browser;
    },
  };
}

const PASSWORD = 'correct horse battery';

/** Creates an account with a name over HTTP; its token. */
export async function namedAccount(app: AppProcess, email: string, name: string): Promise<string> {
  const registered = await app.call('POST', '/api/v1/auth/register', {
    body: { email, password: PASSWORD, name },
  });
  expect(registered.status, registered.text).toBe(201);
  const login = await app.call('POST', '/api/v1/auth/login', {
    body: { email, password: PASSWORD },
  });
  return login.json.accessToken;
}

/**
 * A page of the demo app at `hash`, signed in with `token` as `<uaip-app>` keeps it (the
 * token in sessionStorage).
 */
export async function signedIn(
  { app, browser }: DemoInChromium,
  token: string,
  { hash = '', height = 900 }: { hash?: string; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height } });
  await context.addInitScript((value) => sessionStorage.setItem('uaip:token', value), token);
  const page = await context.newPage();
  await page.goto(`${app.url}/${hash}`);
  return { context, page };
}

/** Text of the whole page, shadow roots included, fields' values left out, whitespace squashed. */
export const pageText = (page: Page) =>
  page.evaluate(() => {
    const walk = (node: Node): string => {
      let text = node.nodeType === Node.TEXT_NODE ? (node.textContent ?? '') : '';
      if (node instanceof Element && node.shadowRoot) text += walk(node.shadowRoot);
      if (node instanceof HTMLTextAreaElement || node instanceof HTMLInputElement) return text;
      for (const child of node.childNodes) text += walk(child);
      return text;
    };
    return walk(document.body).replace(/\s+/g, ' ');
  });

/** Whether `locator`'s element has the focus in its shadow root. */
export const isFocusedInShadow = (locator: Locator) =>
  locator.evaluate((element) => element === (element.getRootNode() as ShadowRoot).activeElement);
