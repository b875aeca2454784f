import { afterEach, describe, expect, it } from 'vitest';
import type { SessionSelectedDetail } from './index';
import { committeeSession } from './review-support.test-support';
import {
  byName,
  cleanUp,
  collect,
  deepQuery,
  deepQueryAll,
  deepText,
  mount,
  paths,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

const rows = (root: ShadowRoot) =>
  deepQueryAll(root, '.reviews li').map((row) => deepText(row).replace(/ · [^·]+$/, ''));

describe('"Awaiting your review" in <uaip-session-list>', () => {
  it('lists the sessions whose open review names the person, with their vote, and opens one', async () => {
    const { api, bob, sessionId } = await committeeSession({
      reviewers: ['bob@example.com', 'cy@example.com'],
    });
    const list = mount('uaip-session-list', { fetch: api.fetch, token: bob });
    const root = list.shadowRoot!;
    await untilText(list, 'Awaiting your review');
    await until(() =>
      expect(rows(root)).toEqual([
        'Screen loan applications to review · completed · decision: Submit to committee',
      ]),
    );
    const asked = api.calls.find((call) => call.path === '/reviews')!;
    expect(new URL(asked.url).search).toBe('?limit=20&status=open');
    const section = deepQuery(root, 'section[aria-labelledby=reviews-heading]');
    expect(deepText(section)).toContain('Awaiting your review');
    const selected = collect<SessionSelectedDetail>('uaip-session-selected');
    byName(section, 'Screen loan applications').click();
    expect(selected).toEqual([{ sessionId }]);

    // Voted, the round still open (Cy has not): listed with the vote; once decided, gone.
    expect(api.vote(sessionId, 'bob@example.com', 'approve', 'Fine.')).toBe(200);
    await list.reload();
    await until(() => expect(rows(root)[0]).toContain('you approved'));
    expect(api.vote(sessionId, 'cy@example.com', 'approve', 'Fine too.')).toBe(200);
    await list.reload();
    await untilText(list, 'Nothing awaits your review');
    // It is still shared with Bob: there it stays.
    expect(deepText(deepQuery(root, 'section[aria-labelledby=shared-heading]'))).toContain(
      'Screen loan applications',
    );
  });

  it('says so when nothing awaits, and is absent on a server without reviews (404)', async () => {
    const { api, dan } = await committeeSession();
    const list = mount('uaip-session-list', { fetch: api.fetch, token: dan });
    await untilText(
      list,
      'Nothing awaits your review: sessions whose committee review names you show here.',
    );

    api.failNext('GET /reviews', { status: 404, code: 'not_found', message: 'Not found' });
    const other = mount('uaip-session-list', { fetch: api.fetch, token: dan });
    await untilText(other, 'Shared with me');
    await until(() =>
      expect(paths(api).filter((path) => path.startsWith('GET /reviews'))).toHaveLength(2),
    );
    await other.updateComplete;
    expect(deepText(other.shadowRoot!)).not.toContain('Awaiting your review');
  });
});
