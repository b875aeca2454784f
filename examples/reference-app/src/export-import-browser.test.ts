import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chromiumOrSkip,
  demoInChromium,
  namedAccount,
  pageText,
  screenshotsDir,
  signedIn,
} from './browser-page.test-support';
import { ANSWERS, completeSession } from './scoping-answers.test-support';

// Export and import as people do it (issue 25): the reference app, the demo page (its bundle
// and the import chunk it loads once a file is picked) and real Chromium. Ada opens her
// completed session and saves it with "Export session"; Bob picks that file under "Import a
// session" on his list, and the copy opens as his session with its answers. The session itself
// is answered over HTTP. Screenshots go to UAIP_SCREENSHOTS_DIR (e.g. docs/images) or a
// temporary folder (browser-page.test-support.ts).
const hasChromium = chromiumOrSkip('the export and import browser test');
const images = screenshotsDir();

describe.skipIf(!hasChromium)(
  'exporting and importing a session in Chromium (needs Chromium: apt-get install chromium, or set CHROMIUM_PATH)',
  () => {
    const demo = demoInChromium({ rebuildBundle: true });
    let dir: string | undefined;
    afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

    /** Whether the page fetched the import chunk (served beside the bundle). */
    const importChunkLoaded = (page: Page) =>
      page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .some((entry) =>
            /^\/assets\/uaip-session-import-[A-Z0-9]{8}\.js$/.test(new URL(entry.name).pathname),
          ),
      );

    it('Ada saves her session with "Export session"; Bob picks the file under "Import a session" and it opens as his, with its answers', async () => {
      const { app } = demo;
      dir = await mkdtemp(join(tmpdir(), 'uaip-export-browser-'));
      const ada = await namedAccount(app, 'ada@example.com', 'Ada Lovelace');
      const bob = await namedAccount(app, 'bob@example.com', 'Bob Builder');
      const session = await completeSession(app, ada, ANSWERS);

      // Ada: the completed session, "Export session" beside what it used.
      const owner = await signedIn(demo, ada, {
        hash: `#session=${encodeURIComponent(session.id)}`,
      });
      const exportButton = owner.page.getByRole('button', { name: 'Export session' });
      await expect.poll(() => exportButton.isVisible(), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => pageText(owner.page)).toContain('Used so far:');
      await owner.page.evaluate(() => window.scrollTo(0, 0));
      await owner.page.screenshot({ path: join(images, 'session-export.png') });
      const [download] = await Promise.all([
        owner.page.waitForEvent('download'),
        exportButton.click(),
      ]);
      expect(download.suggestedFilename()).toBe(
        'predict-which-prepaid-mobile-customers-will-churn-next-month-session.json',
      );
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      const document = JSON.parse(await readFile(file, 'utf8'));
      expect(document).toMatchObject({
        format: 'uaip.session',
        version: 1,
        session: { id: session.id, status: 'completed', title: session.title },
      });
      expect(document.turns.map((turn: { answer: string }) => turn.answer)).toContain(
        ANSWERS.objective,
      );
      await owner.context.close();

      // Bob: his list, with "Import a session"; the import chunk is not loaded yet.
      const importer = await signedIn(demo, bob);
      const page = importer.page;
      const importButton = page.getByRole('button', { name: 'Import a session' });
      await expect.poll(() => importButton.isEnabled(), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => pageText(page)).toContain('No sessions yet');
      expect(await importChunkLoaded(page)).toBe(false);

      // A file that is not JSON is refused in the page, nothing sent.
      const [notJson] = await Promise.all([page.waitForEvent('filechooser'), importButton.click()]);
      await notJson.setFiles({
        name: 'notes.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{ not json'),
      });
      await expect
        .poll(() => pageText(page), { timeout: 10_000 })
        .toContain(
          '"notes.json" is not JSON, so it cannot be a session export: choose a file saved with "Export session". Nothing was sent.',
        );
      expect(await importChunkLoaded(page)).toBe(true);

      // Ada's file: the copy opens as Bob's session, with its answers.
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), importButton.click()]);
      await chooser.setFiles(file);
      await expect
        .poll(() => page.evaluate(() => location.hash), { timeout: 15_000 })
        .toMatch(/^#session=/);
      const copyId = decodeURIComponent(
        (await page.evaluate(() => location.hash)).slice('#session='.length),
      );
      expect(copyId).not.toBe(session.id);
      await expect
        .poll(() => pageText(page), { timeout: 15_000 })
        .toMatch(/Your answers Review or edit the \d+ answers/);
      const text = await pageText(page);
      expect(text).toContain(session.title);
      expect(text).not.toContain('is not JSON');
      await page.locator('section[part~="answers"] summary').click();
      const answers = page.locator('li[part~="answer"]');
      expect(await answers.count()).toBeGreaterThanOrEqual(20);
      expect(await answers.allTextContents()).toContainEqual(
        expect.stringContaining(ANSWERS.objective!),
      );
      expect(await page.getByRole('button', { name: 'Export session' }).isVisible()).toBe(true);

      // Over HTTP: the copy is Bob's alone; Ada still has only her original.
      const bobs = await app.call('GET', '/api/v1/sessions', { token: bob });
      expect(bobs.json.items.map((item: { id: string }) => item.id)).toEqual([copyId]);
      expect((await app.call('GET', `/api/v1/sessions/${copyId}`, { token: ada })).status).toBe(
        404,
      );
      const adas = await app.call('GET', '/api/v1/sessions', { token: ada });
      expect(adas.json.items.map((item: { id: string }) => item.id)).toEqual([session.id]);

      // Back to the list: the imported session, with its decision, under the import control.
      await page.getByRole('link', { name: '← All sessions' }).click();
      await expect
        .poll(() => pageText(page), { timeout: 10_000 })
        .toMatch(/completed · decision: \w/);
      expect(await importButton.isVisible()).toBe(true);
      await page.screenshot({ path: join(images, 'session-import.png') });
      await importer.context.close();
    }, 180_000);
  },
);
