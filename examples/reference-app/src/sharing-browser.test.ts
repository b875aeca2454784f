import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppProcess } from './app-process.test-support';
import {
  chromiumOrSkip,
  demoInChromium,
  isFocusedInShadow,
  namedAccount,
  pageText,
  screenshotsDir,
  signedIn,
} from './browser-page.test-support';
import { ANSWERS } from './scoping-answers.test-support';

// Sharing a session as people do it (issue 23): the reference app, the demo page and real
// Chromium. Ada shares her sessions from the "Share" dialog, Bob finds them under "Shared with
// me" and opens one as a viewer (no answer box, no Edit) and one as an editor; a role changed
// while his page is open reaches it through the event stream, and he leaves a session. The
// sessions themselves are answered over HTTP. Screenshots go to UAIP_SCREENSHOTS_DIR (e.g.
// docs/images) or a temporary folder (browser-page.test-support.ts).
const hasChromium = chromiumOrSkip('the sharing browser test');
const images = screenshotsDir();

/** A session over HTTP, its first stage answered when `answered` (stage 2 then waits). */
async function session(
  app: AppProcess,
  token: string,
  idea: string,
  answered: boolean,
): Promise<string> {
  const created = await app.call('POST', '/api/v1/sessions', { token, body: { idea } });
  expect(created.status, created.text).toBe(201);
  let current = created.json;
  while (answered && current.pendingQuestion?.stageId === 'business-translation') {
    const pending = current.pendingQuestion;
    const answer = await app.call('POST', `/api/v1/sessions/${current.id}/answers`, {
      token,
      body: { questionId: pending.id, answer: ANSWERS[pending.topicId]! },
    });
    expect(answer.status, answer.text).toBe(200);
    current = answer.json.session;
  }
  return current.id;
}

describe.skipIf(!hasChromium)(
  'sharing a session in Chromium (needs Chromium: apt-get install chromium, or set CHROMIUM_PATH)',
  () => {
    const demo = demoInChromium({ rebuildBundle: true });

    it('Ada shares from the dialog; Bob finds the sessions under "Shared with me", reads one as a viewer, answers in the other, follows a role change live and leaves', async () => {
      const { app } = demo;
      const ada = await namedAccount(app, 'ada@example.com', 'Ada Lovelace');
      const bob = await namedAccount(app, 'bob@example.com', 'Bob Builder');
      await namedAccount(app, 'cy@example.com', 'Cy Young');
      const churn = await session(
        app,
        ada,
        'Predict which prepaid mobile customers will churn next month',
        true,
      );
      const demand = await session(app, ada, 'Forecast weekly demand for 40 grocery stores', false);

      // Ada: "Share" opens the dialog on "Email"; two people added, the errors said in place.
      const owner = await signedIn(demo, ada, { hash: `#session=${encodeURIComponent(churn)}` });
      const share = owner.page.getByRole('button', { name: 'Share', exact: true });
      await expect.poll(() => share.isVisible(), { timeout: 10_000 }).toBe(true);
      expect(await pageText(owner.page)).toContain('Only you can see it.');
      await share.click();
      const dialog = owner.page.getByRole('dialog', { name: /^Share "/ });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      const email = owner.page.getByLabel('Email', { exact: true });
      await expect.poll(() => isFocusedInShadow(email)).toBe(true);
      const add = async (address: string, role: 'viewer' | 'editor') => {
        await email.fill(address);
        await owner.page.getByLabel('Role', { exact: true }).selectOption(role);
        await owner.page.getByRole('button', { name: 'Add', exact: true }).click();
      };
      await add('nobody@example.com', 'viewer');
      await expect
        .poll(() => pageText(owner.page))
        .toContain('No account uses nobody@example.com. Ask them to create an account first');
      expect(await email.inputValue()).toBe('nobody@example.com');
      await add('ada@example.com', 'viewer');
      await expect
        .poll(() => pageText(owner.page))
        .toContain('That is your own address: you own this session already.');
      await add('bob@example.com', 'viewer');
      await expect
        .poll(() => pageText(owner.page))
        .toContain('Shared with Bob Builder (bob@example.com) as a viewer: they can read it.');
      await add('cy@example.com', 'viewer');
      await expect.poll(() => owner.page.locator('[part~="member"]').count()).toBe(2);
      await owner.page.getByLabel('Role of cy@example.com', { exact: true }).selectOption('editor');
      await expect
        .poll(() => pageText(owner.page))
        .toContain('Cy Young (cy@example.com) is now an editor and can answer and edit.');
      const members = await app.call('GET', `/api/v1/sessions/${churn}/members`, { token: ada });
      expect(
        members.json.members.map((member: { email: string; role: string }) => [
          member.email,
          member.role,
        ]),
      ).toEqual([
        ['bob@example.com', 'viewer'],
        ['cy@example.com', 'editor'],
      ]);
      await email.fill('');
      await owner.page.screenshot({ path: join(images, 'share-dialog.png') });

      // At 390 px the dialog fits the width.
      await owner.page.setViewportSize({ width: 390, height: 844 });
      const box = (await dialog.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      await owner.page.setViewportSize({ width: 1280, height: 900 });

      // Escape closes it, the focus back on "Share".
      await owner.page.keyboard.press('Escape');
      await expect.poll(() => dialog.isVisible()).toBe(false);
      await expect.poll(() => isFocusedInShadow(share)).toBe(true);
      expect(await pageText(owner.page)).toContain('Shared with 2 people.');
      // The second session, shared with Bob as an editor, over HTTP.
      const shared = await app.call('POST', `/api/v1/sessions/${demand}/members`, {
        token: ada,
        body: { email: 'bob@example.com', role: 'editor' },
      });
      expect(shared.status, shared.text).toBe(201);

      // Bob: both sessions under "Shared with me", with his role and where each stands.
      const member = await signedIn(demo, bob);
      await expect
        .poll(() => pageText(member.page), { timeout: 10_000 })
        .toContain('Shared with me');
      const rows = member.page.locator('ul[part~="shared"] > li');
      await expect.poll(() => rows.count()).toBe(2);
      const rowTexts = (await rows.allTextContents()).map((text) =>
        text.replace(/\s+/g, ' ').trim(),
      );
      expect(rowTexts[0]).toMatch(
        /^Forecast weekly demand for 40 grocery stores editor · in progress · stage 1 of 5: Business Translation · /,
      );
      expect(rowTexts[1]).toMatch(
        /^Predict which prepaid mobile customers will churn next month viewer · in progress · stage 2 of 5: Value Quantification · /,
      );
      expect(await pageText(member.page)).toContain('No sessions yet');
      await member.page.screenshot({ path: join(images, 'shared-with-me.png') });

      // As a viewer: the question without an answer box, the answers without Edit, no Share.
      await member.page
        .getByRole('button', {
          name: 'Predict which prepaid mobile customers will churn next month',
        })
        .click();
      await expect
        .poll(() => pageText(member.page), { timeout: 10_000 })
        .toContain(
          'Shared with you as a viewer: you can read it, its answers and its charter, but not answer or edit.',
        );
      expect(await pageText(member.page)).toContain(
        'Waiting for its owner or an editor to answer:',
      );
      expect(await member.page.getByRole('textbox', { name: 'Your answer' }).count()).toBe(0);
      expect(await member.page.getByRole('button', { name: 'Share', exact: true }).count()).toBe(0);
      await member.page.getByText('Review the 4 answers', { exact: true }).click();
      expect(await member.page.getByRole('button', { name: /^Edit answer/ }).count()).toBe(0);
      await member.page.screenshot({ path: join(images, 'shared-viewer.png') });

      // As an editor: he answers; then Ada makes him a viewer and the answer box goes at once.
      await member.page.getByRole('link', { name: '← All sessions' }).click();
      await member.page
        .getByRole('button', { name: 'Forecast weekly demand for 40 grocery stores' })
        .click();
      const answerBox = member.page.getByRole('textbox', { name: 'Your answer' });
      await expect.poll(() => answerBox.isVisible(), { timeout: 10_000 }).toBe(true);
      expect(await pageText(member.page)).toContain('Shared with you as an editor');
      await answerBox.fill(
        'Store managers order stock every Monday from a spreadsheet; weekly demand errors of 25% cost 1.2 million EUR a year in waste, and we want 12% by June 2027.',
      );
      await member.page.getByRole('button', { name: 'Submit answer' }).click();
      await expect
        .poll(() => pageText(member.page), { timeout: 20_000 })
        .toMatch(/Answer accepted with a score of \d+\/10|Follow-up/);
      const bobId = (await app.call('GET', '/api/v1/auth/me', { token: bob })).json.user.id;
      const changed = await app.call('PATCH', `/api/v1/sessions/${demand}/members/${bobId}`, {
        token: ada,
        body: { role: 'viewer' },
      });
      expect(changed.status, changed.text).toBe(200);
      await expect.poll(() => answerBox.count(), { timeout: 10_000 }).toBe(0);
      expect(await pageText(member.page)).toContain('Shared with you as a viewer');

      // Leaving asks first, then returns to the list without the session.
      await member.page.getByRole('button', { name: 'Leave', exact: true }).click();
      await member.page.getByRole('button', { name: 'Leave for good' }).click();
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
      expect(await pageText(member.page)).not.toContain('Forecast weekly demand');
      const after = await app.call('GET', `/api/v1/sessions/${demand}`, { token: bob });
      expect(after.status).toBe(404);
      await owner.context.close();
      await member.context.close();
    }, 180_000);
  },
);
