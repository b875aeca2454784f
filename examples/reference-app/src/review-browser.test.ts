import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  chromiumOrSkip,
  demoInChromium,
  isFocusedInShadow,
  namedAccount,
  pageText,
  screenshotsDir,
  signedIn,
} from './browser-page.test-support';
import { completeSession, HALT_ANSWERS } from './scoping-answers.test-support';

// The committee review as people do it (issue 23): the reference app, the demo page (its
// bundle and the review chunk it imports on demand) and real Chromium. Ada's session ends in
// Halt; she asks Bob and Cy to review it from the dialog (an unknown address said on its row
// first), Bob finds it under "Awaiting your review" and approves with a comment, Ada's open
// page follows the votes live and its charter shows the decided review. The session itself is
// answered over HTTP. Screenshots go to UAIP_SCREENSHOTS_DIR (e.g. docs/images) or a temporary
// folder (browser-page.test-support.ts).
const hasChromium = chromiumOrSkip('the review browser test');
const images = screenshotsDir();

describe.skipIf(!hasChromium)(
  'a committee review in Chromium (needs Chromium: apt-get install chromium, or set CHROMIUM_PATH)',
  () => {
    const demo = demoInChromium({ rebuildBundle: true });

    /** Whether the page fetched the review UI's chunk (served beside the bundle). */
    const reviewChunkLoaded = (page: Page) =>
      page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .some((entry) =>
            /^\/assets\/uaip-review-panel-[A-Z0-9]{8}\.js$/.test(new URL(entry.name).pathname),
          ),
      );

    it('Ada asks Bob and Cy from the dialog; Bob approves from "Awaiting your review"; Ada sees it live and in the charter', async () => {
      const { app } = demo;
      const ada = await namedAccount(app, 'ada@example.com', 'Ada Lovelace');
      const bob = await namedAccount(app, 'bob@example.com', 'Bob Builder');
      const cy = await namedAccount(app, 'cy@example.com', 'Cy Young');
      const session = await completeSession(app, ada, HALT_ANSWERS);

      // Ada: the charter's decision calls for the committee, so the review UI is loaded.
      const owner = await signedIn(demo, ada, {
        hash: `#session=${encodeURIComponent(session.id)}`,
      });
      const ask = owner.page.getByRole('button', { name: 'Request committee review' });
      await expect.poll(() => ask.isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await reviewChunkLoaded(owner.page)).toBe(true);
      await ask.click();
      const dialog = owner.page.getByRole('dialog', { name: /^Request a committee review of "/ });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      const row = (n: number) => owner.page.getByLabel(`Reviewer ${n}`, { exact: true });
      await expect.poll(() => isFocusedInShadow(row(1))).toBe(true);
      await row(1).fill('bob@example.com');
      await owner.page.getByRole('button', { name: 'Add another reviewer' }).click();
      await row(2).fill('nobody@example.com');
      await owner.page
        .getByLabel('Note to the reviewers (optional)', { exact: true })
        .fill('Every principle came out critical: please weigh the mitigations.');
      await owner.page.getByRole('button', { name: 'Request review' }).click();
      await expect
        .poll(() => pageText(owner.page), { timeout: 10_000 })
        .toContain('Reviewer 2: No account uses nobody@example.com.');
      expect(await row(2).getAttribute('aria-invalid')).toBe('true');
      await row(2).fill('cy@example.com');
      // Edited, the row's problem goes.
      await expect.poll(() => row(2).getAttribute('aria-invalid')).toBe('false');
      expect(await pageText(owner.page)).not.toContain('No account uses');
      await owner.page.getByLabel('Approvals required', { exact: true }).fill('2');
      await owner.page.screenshot({ path: join(images, 'review-request.png') });
      await owner.page.getByRole('button', { name: 'Request review' }).click();
      await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(false);
      await expect
        .poll(() => pageText(owner.page))
        .toContain('Review requested from Bob Builder, Cy Young (round 1).');
      expect(await pageText(owner.page)).toContain('Round 1: open: 0 of 2 approvals needed');

      // Bob: the session under "Awaiting your review"; he approves with a comment.
      const reviewer = await signedIn(demo, bob);
      const awaiting = reviewer.page.locator('ul[part~="reviews"] > li');
      await expect.poll(() => awaiting.count(), { timeout: 10_000 }).toBe(1);
      // The list does not need the review UI: its chunk is fetched once a session needs it.
      expect(await reviewChunkLoaded(reviewer.page)).toBe(false);
      expect((await awaiting.first().textContent())?.replace(/\s+/g, ' ')).toContain(
        'to review · completed · decision: Halt',
      );
      await awaiting.first().getByRole('button').click();
      const comment = reviewer.page.getByRole('textbox', { name: 'Your comment' });
      await expect.poll(() => comment.isVisible(), { timeout: 15_000 }).toBe(true);
      expect(await reviewChunkLoaded(reviewer.page)).toBe(true);
      await reviewer.page.getByRole('button', { name: 'Approve', exact: true }).click();
      await expect
        .poll(() => pageText(reviewer.page))
        .toContain('Say why you approve: a comment is required.');
      await comment.fill(
        'Approve on condition: the fairness audit and the human review of every offer are done before launch.',
      );
      await reviewer.page
        .locator('section[part~="review"]')
        .evaluate((section) => section.scrollIntoView({ block: 'start' }));
      await reviewer.page.screenshot({ path: join(images, 'review-vote.png') });
      await reviewer.page.getByRole('button', { name: 'Approve', exact: true }).click();
      await expect
        .poll(() => pageText(reviewer.page), { timeout: 10_000 })
        .toContain('You approved round 1. 1 of 2 approvals so far.');

      // Ada's page follows live; Cy's approval (over HTTP) decides it, and the charter says so.
      await expect
        .poll(() => pageText(owner.page), { timeout: 10_000 })
        .toContain('Round 1: open: 1 of 2 approvals needed');
      const voted = await app.call('POST', `/api/v1/sessions/${session.id}/review/votes`, {
        token: cy,
        body: { vote: 'approve', comment: 'The mitigations plan is credible; approved.' },
      });
      expect(voted.status, voted.text).toBe(200);
      await expect
        .poll(() => pageText(owner.page), { timeout: 10_000 })
        .toMatch(/Round 1: approved on .+, decided by Cy Young \(cy@example\.com\)\./);
      const charter = owner.page.locator('article.charter');
      await expect
        .poll(() => charter.textContent(), { timeout: 10_000 })
        .toContain('Committee review');
      await expect
        .poll(() => charter.textContent(), { timeout: 10_000 })
        .toMatch(/AI ethics committee.*Approved \(review round 1\)/s);
      await owner.page
        .locator('section[part~="review"]')
        .evaluate((section) => section.scrollIntoView({ block: 'center' }));
      await owner.page.screenshot({ path: join(images, 'charter-review.png') });
      await owner.context.close();
      await reviewer.context.close();
    }, 180_000);
  },
);
