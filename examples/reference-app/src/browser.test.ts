import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startApp, tempDataDir } from './app-process.test-support';
import {
  chromiumOrSkip,
  demoInChromium,
  isFocusedInShadow,
  pageText,
  screenshotsDir,
} from './browser-page.test-support';

// The whole product as a person uses it: the reference app, the demo page, real Chromium, found
// only by the accessible names the web component promises. Screenshots go to a temporary
// folder, or to UAIP_SCREENSHOTS_DIR (e.g. docs/images, to refresh the README's pictures), so an
// ordinary test run leaves the repository's images alone.
const hasChromium = chromiumOrSkip('the browser tests');
const images = screenshotsDir();
const RICH =
  'Retention agents at Acme Telecom will call the 2,000 prepaid customers most likely to churn each week; churn is 8% per month today and should reach 5% by September 2027, measured from billing deactivations, worth 2.4 million EUR a year.';

describe.skipIf(!hasChromium)(
  'the demo page in Chromium (needs Chromium: apt-get install chromium, or set CHROMIUM_PATH)',
  () => {
    const demo = demoInChromium({ rebuildBundle: false });

    async function answer(page: Page, text: string) {
      const box = page.getByRole('textbox', { name: 'Your answer' });
      await box.fill(text);
      await page.getByRole('button', { name: 'Submit answer' }).click();
      // The next question (an empty, enabled box) or the charter.
      await page.waitForFunction(() => {
        const find = (root: Document | ShadowRoot): boolean => {
          if (root.querySelector('#done-heading')) return true;
          const area = root.querySelector('textarea');
          if (area && !area.disabled && area.value === '') return true;
          return [...root.querySelectorAll('*')].some(
            (element) => element.shadowRoot && find(element.shadowRoot),
          );
        };
        return find(document);
      });
    }

    it('takes a person from a new account to a downloaded charter, and back to the same question after a reload', async () => {
      const context = await demo.browser.newContext({
        acceptDownloads: true,
        viewport: { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      await page.goto(demo.app.url);
      await page.screenshot({ path: join(images, 'sign-in.png') });

      // Create an account, then sign in.
      await page.getByRole('link', { name: /register an account instead/i }).click();
      await page.getByLabel('Email', { exact: true }).fill('ada@example.com');
      await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
      await page.getByLabel('Name', { exact: true }).fill('Ada');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect
        .poll(() => page.getByRole('button', { name: 'Start session' }).isVisible(), {
          timeout: 10_000,
        })
        .toBe(true);

      // Start a session: the first question of Business Translation.
      await page
        .getByLabel('Business idea', { exact: true })
        .fill('Predict which prepaid customers will churn next month');
      await page.getByRole('button', { name: 'Start session' }).click();
      const box = page.getByRole('textbox', { name: 'Your answer' });
      await expect.poll(() => box.isVisible(), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => isFocusedInShadow(box)).toBe(true);
      expect(await page.locator('[aria-current="step"]').textContent()).toContain(
        'Business Translation',
      );
      expect(await pageText(page)).toContain('Question 1 of 4');
      await page.screenshot({ path: join(images, 'question.png') });
      const firstQuestion = await page
        .locator('uaip-question')
        .evaluate(
          (element) => (element as unknown as { question: { text: string } }).question.text,
        );

      // Two vague answers: two follow-ups, each under the whole question, neither quoting one.
      await answer(page, 'not sure, maybe');
      await answer(page, 'maybe fewer churners');
      await expect
        .poll(() =>
          page
            .getByText(/Score \d+\/10/)
            .first()
            .isVisible(),
        )
        .toBe(true);
      const followUp = await pageText(page);
      expect(followUp).toContain('Follow-up');
      expect(followUp).toContain(`The question: ${firstQuestion}`);
      expect(followUp.split(firstQuestion)).toHaveLength(2);
      expect(followUp).not.toMatch(/Could you answer "/);
      await page.screenshot({ path: join(images, 'follow-up.png') });

      // Reload mid-session: the same question is waiting.
      const before = await page
        .locator('uaip-question')
        .evaluate((element) => (element as unknown as { question: { id: string } }).question.id);
      await page.reload();
      await expect.poll(() => box.isVisible(), { timeout: 10_000 }).toBe(true);
      const after = await page
        .locator('uaip-question')
        .evaluate((element) => (element as unknown as { question: { id: string } }).question.id);
      expect(after).toBe(before);

      // The third vague answer is kept: the page says so at once, with its score.
      await answer(page, 'no idea');
      await expect
        .poll(() => pageText(page))
        .toMatch(
          /Your answer was kept with a score of \d+\/10: it was the last of 3 tries, so it is listed under open items\./,
        );
      await page.screenshot({ path: join(images, 'escalated.png') });

      // Answer everything until the charter shows.
      for (let turn = 0; turn < 60; turn++) {
        if (await page.locator('#done-heading').count()) break;
        await answer(page, RICH);
      }
      await expect
        .poll(() => page.getByText('Session completed: the AI Project Charter').isVisible())
        .toBe(true);
      // The charter text arrives after the heading (it is fetched once the session completes).
      await expect
        .poll(
          () => page.locator('uaip-session').evaluate((element) => element.shadowRoot!.textContent),
          { timeout: 10_000 },
        )
        .toContain('5. Ethical Governance');
      // Stage 1 kept an escalated answer: its card says so, and what it is, one click away.
      const firstCard = page.locator('ol[part~="progress"] > li').first();
      expect((await firstCard.locator('summary').textContent())!.replace(/\s+/g, ' ')).toMatch(
        /done · \d+ open items?/,
      );
      await firstCard.locator('summary').click();
      expect(await firstCard.locator('details li').allTextContents()).toContainEqual(
        expect.stringMatching(/^Answer kept with a score of \d+\/10: /),
      );
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(images, 'open-items.png') });
      await firstCard.locator('summary').click();
      const charterText = await pageText(page);
      expect(charterText).toContain('Escalated answer: Kept after 3 answers');
      // Rejected answers are not in the record.
      expect(charterText).not.toContain('maybe fewer churners');
      await page.locator('#done-heading').scrollIntoViewIfNeeded();
      await page.locator('#done-heading').evaluate((heading) => heading.scrollIntoView());
      await page.screenshot({ path: join(images, 'charter.png') });

      // Downloads are fetched with the token and saved as files.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download Markdown' }).click(),
      ]);
      const saved = await download.path();
      expect(await readFile(saved!, 'utf8')).toContain('## 1. Business Translation');

      // On a phone: wide tables say they scroll; the session list says where each one stands.
      await page.setViewportSize({ width: 390, height: 844 });
      const hint = page.locator('[part~="scroll-hint"]:visible').first();
      await expect.poll(() => hint.count()).toBe(1);
      await hint.evaluate((element) => element.scrollIntoView());
      await page.screenshot({ path: join(images, 'charter-390.png') });
      await page.getByRole('link', { name: '← All sessions' }).click();
      await expect
        .poll(() => pageText(page))
        .toMatch(
          /completed · decision: (Proceed|Proceed with monitoring|Revise|Submit to committee|Halt)/,
        );
      await page
        .getByLabel('Business idea', { exact: true })
        .fill('Forecast weekly demand for 40 grocery stores');
      await page.getByRole('button', { name: 'Start session' }).click();
      await expect.poll(() => box.isVisible(), { timeout: 10_000 }).toBe(true);
      // The five stage cards fit on one compact row, so the question is on the first screen.
      const tops = await page
        .locator('ol[part~="progress"] > li')
        .evaluateAll(
          (cards) => new Set(cards.map((card) => card.getBoundingClientRect().top)).size,
        );
      expect(tops).toBe(1);
      expect((await box.boundingBox())!.y).toBeLessThan(844);
      await page.screenshot({ path: join(images, 'question-390.png') });
      await page.getByRole('link', { name: '← All sessions' }).click();
      await expect.poll(() => pageText(page)).toContain('in progress · stage 1 of 5');
      await page.screenshot({ path: join(images, 'sessions-390.png'), fullPage: true });
      await context.close();
    }, 180_000);

    it('shows a banner with what to do while no language model is reachable', async () => {
      const down = await tempDataDir();
      const offline = await startApp({
        DATA_DIR: down.dir,
        LLM_PROVIDERS: 'ollama',
        OLLAMA_HOST: 'http://127.0.0.1:9',
      });
      try {
        const context = await demo.browser.newContext({ viewport: { width: 1280, height: 720 } });
        const page = await context.newPage();
        await page.goto(offline.url);
        const banner = page.locator('[part~="health-banner"]');
        await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(true);
        const text = await banner.textContent();
        expect(text).toContain(
          'No language model is reachable: answers cannot be scored right now.',
        );
        expect(text).toContain('To configure a model: set ANTHROPIC_API_KEY');
        expect(text).toContain('ollama:');
        await page.screenshot({ path: join(images, 'degraded.png') });
        await context.close();
      } finally {
        await offline.stop('SIGKILL');
        await down.remove();
      }
    }, 60_000);
  },
);
