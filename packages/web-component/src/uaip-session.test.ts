import { afterEach, describe, expect, it, vi } from 'vitest';
import { humanize } from './artifact-view';
import { createFakeApi } from './fake-api.test-support';
import type { ErrorDetail, SessionDetail, StageCompletedDetail, UaipQuestion } from './index';
import {
  adaSession,
  byName,
  cleanUp,
  collect,
  deepQuery,
  deepQueryAll,
  deepText,
  mount,
  openSession,
  paths,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(() => {
  vi.restoreAllMocks();
  cleanUp();
});

async function open(
  options: { stages?: ReadonlyArray<readonly [string, string]>; answers?: string[] } = {},
) {
  const { api, token, sessionId } = await adaSession(
    options.answers,
    options.stages ? { stages: options.stages } : {},
  );
  const { element, root } = await openSession(api, token, sessionId);
  await element.updateComplete;
  const question = () => deepQuery<UaipQuestion>(root, 'uaip-question');
  const answer = async (text: string) => {
    await question().updateComplete;
    type(byName<HTMLTextAreaElement>(root, 'Your answer'), text);
    byName(root, 'Submit answer').click();
  };
  return { api, token, element, root, sessionId, question, answer };
}

const currentStages = (root: ShadowRoot) =>
  deepQueryAll(root, '[aria-current="step"]').map(
    (item) => item.querySelector('.stage-title')!.textContent,
  );

describe('<uaip-session>', () => {
  it('shows the stages in order with the current one marked aria-current="step", the question and the usage', async () => {
    const { root } = await open();
    const items = deepQueryAll(root, 'ol[part~=progress] > li');
    expect(items.map((item) => item.querySelector('.stage-title')!.textContent)).toEqual([
      'Business Translation',
      'Value Quantification',
      'Data Feasibility',
      'User Centricity',
      'Ethical Governance',
    ]);
    expect(currentStages(root)).toEqual(['Business Translation']);
    expect(deepText(root.host)).toContain('Tell me about Business Translation.');
    expect(deepText(root.host)).toMatch(/0 tokens \(0 in, 0 out\) · \$0\.0000/);
  });

  it('a vague answer brings a follow-up with the word Follow-up, the score and the issues', async () => {
    const { root, answer } = await open();
    await answer('something vague');
    await untilText(root.host, 'Follow-up');
    const text = deepText(root.host);
    expect(text).toContain('Score 4/10');
    expect(text).toContain('No baseline given');
    expect(text).toContain('No time frame');
    expect(text).toMatch(/120 tokens \(100 in, 20 out\) · \$0\.0012/);
  });

  it('says at once that an escalated answer was kept with its score and is an open item', async () => {
    const { root, answer } = await open();
    await answer('escalate: still not sure');
    const notice = () => deepQuery(root, '[part~=notice]');
    await until(() =>
      expect(notice().textContent!.replace(/\s+/g, ' ').trim()).toBe(
        'Your answer was kept with a score of 3/10: it was the last of 3 tries, so it is listed under open items. Business Translation is done with 1 open item: open its card to see it.',
      ),
    );
    expect(notice().getAttribute('role')).toBe('status');
    const card = deepQuery(root, 'ol[part~=progress] > li.completed');
    expect(card.querySelector('summary')!.textContent!.replace(/\s+/g, ' ').trim()).toBe(
      'done · 1 open item',
    );
    expect(card.querySelector('li')!.textContent).toBe(
      'Answer kept with a score of 3/10: "Tell me about Business Translation."',
    );
  });

  it('shows the score of an accepted answer', async () => {
    const { root, answer } = await open();
    await answer('A clear, specific answer');
    await untilText(
      root.host,
      'Answer accepted with a score of 8/10. Business Translation is done.',
    );
  });

  it('a stage done with a failed gate says "done · N open items", and lists them one click away', async () => {
    const { root, answer } = await open();
    await answer('An answer that fails gate');
    await untilText(root.host, 'Business Translation is done with 2 open items');
    const card = deepQuery(root, 'ol[part~=progress] > li.completed');
    const summary = card.querySelector('summary')!;
    expect(summary.textContent!.replace(/\s+/g, ' ').trim()).toBe('done · 2 open items');
    const details = card.querySelector('details')!;
    expect(details.open).toBe(false);
    summary.click();
    expect(details.open).toBe(true);
    expect([...details.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'Missing: a baseline for KPI "NPS"',
      'Missing: a time frame for KPI "NPS"',
    ]);
  });

  it('keeps the open items of completed stages after a reload, escalated answers included', async () => {
    const { root } = await open({ answers: ['escalate: no idea', 'fails gate'] });
    await until(() =>
      expect(
        deepQueryAll(root, 'ol[part~=progress] summary').map((item) =>
          item.textContent!.replace(/\s+/g, ' ').trim(),
        ),
      ).toEqual(['done · 1 open item', 'done · 2 open items']),
    );
  });

  it('marks a gap question', async () => {
    const { root, answer } = await open();
    await answer('leaves a gap');
    await untilText(root.host, 'Gap question');
    expect(deepText(root.host)).toContain('Who owns the data for Business Translation?');
  });

  it('while scoring: a spinner and live progress lines from the event stream in a polite live region', async () => {
    const { root, api, answer, sessionId } = await open();
    await until(() => expect(api.openStreams(sessionId)).toBe(1));
    const release = api.holdAnswers();
    await answer('Churn falls from 8% to 5%.');
    const live = deepQuery(root, '[aria-live="polite"]');
    await until(() =>
      expect(live.textContent).toContain('Scoring the answer: demo (demo-fast) — ok, 1.2 s.'),
    );
    expect(live.querySelector('.spinner')).not.toBeNull();
    expect(live.textContent).toContain('Answer received.');
    expect(byName<HTMLButtonElement>(root, 'Submit answer').disabled).toBe(true);
    release();
    await until(() => expect(live.textContent?.trim()).toBe(''));
    expect(currentStages(root)).toEqual(['Value Quantification']);
  });

  it('a completed stage fires uaip-stage-completed and its artifact becomes readable, without raw JSON', async () => {
    const completed = collect<StageCompletedDetail>('uaip-stage-completed');
    const { root, answer } = await open();
    await answer('A clear, specific answer');
    await until(() => expect(completed).toEqual([{ stageId: 'business-translation' }]));
    const artifact = deepQuery(root, '[part~=artifact]');
    expect(artifact.querySelector('summary')!.textContent).toBe('Business Translation');
    const terms = [...artifact.querySelectorAll('dt')].map((term) => term.textContent);
    expect(terms).toEqual(
      expect.arrayContaining(['Business objective', 'Alternatives tried', 'In scope']),
    );
    expect([...artifact.querySelectorAll('li')].map((item) => item.textContent)).toContain(
      'Discount emails',
    );
    expect(artifact.textContent).not.toContain('{');
  });

  it('at 390 px: one compact row of stage cards, the current one named, the question right below', async () => {
    const { element, root } = await open({ answers: ['A clear answer'] });
    element.style.width = '390px';
    await element.updateComplete;
    const cards = deepQueryAll(root, 'ol[part~=progress] > li');
    const tops = new Set(cards.map((card) => card.getBoundingClientRect().top));
    expect(tops.size).toBe(1);
    const list = deepQuery(root, 'ol[part~=progress]').getBoundingClientRect();
    expect(list.height).toBeLessThan(80);
    const visibleTitles = cards
      .map((card) => card.querySelector<HTMLElement>('.stage-title')!)
      .filter((title) => title.getBoundingClientRect().width > 1)
      .map((title) => title.textContent);
    expect(visibleTitles).toEqual(['Value Quantification']);
    // The hidden titles still name each card for a screen reader.
    expect(cards.map((card) => card.querySelector('.stage-title')!.textContent)).toHaveLength(5);
    element.style.width = '1000px';
    await element.updateComplete;
    expect(deepQuery(root, 'ol[part~=progress]').getBoundingClientRect().height).toBeGreaterThan(
      list.height,
    );
  });

  it('a wide charter table says it scrolls sideways at 390 px, and not when it fits', async () => {
    const { element, root, answer } = await open({ stages: [['only', 'Only stage']] });
    await answer('A clear, specific answer');
    await until(() => deepQuery(root, 'article.charter'));
    const hints = () =>
      deepQueryAll(root, '[part~=scroll-hint]').map((hint) => (hint.hidden ? 'hidden' : 'shown'));
    element.style.width = '390px';
    await until(() => expect(hints()).toEqual(['hidden', 'shown']));
    const wide = deepQueryAll(root, '.table')[1]!;
    expect(wide.scrollWidth).toBeGreaterThan(wide.clientWidth);
    expect(wide.getAttribute('tabindex')).toBe('0');
    element.style.width = '1400px';
    await until(() => expect(hints()).toEqual(['hidden', 'hidden']));
  });

  it('writes initialisms in field labels as such: "AI justification", "ML archetype"', async () => {
    expect(
      ['aiJustification', 'mlArchetype', 'kpis', 'fair', 'businessObjective'].map(humanize),
    ).toEqual(['AI justification', 'ML archetype', 'KPIs', 'FAIR', 'Business objective']);
  });

  it('focus moves to "Your answer" when the next question arrives', async () => {
    const { root, answer, question } = await open();
    await answer('A clear, specific answer');
    await untilText(root.host, 'Tell me about Value Quantification.');
    await question().updateComplete;
    expect(question().shadowRoot!.activeElement).toBe(byName(root, 'Your answer'));
  });

  it('completed: fires uaip-session-completed, shows the charter as structure and downloads it with the token', async () => {
    const done = collect<SessionDetail>('uaip-session-completed');
    const { root, answer, api, token } = await open({ stages: [['only', 'Only stage']] });
    await answer('A clear, specific answer');
    await until(() => expect(done).toHaveLength(1));
    expect(done[0]!.session.status).toBe('completed');
    const charter = await until(() => deepQuery(root, 'article.charter'));
    expect(charter.querySelector('h3')!.textContent).toBe('AI Project Charter: Reduce churn');
    expect(charter.querySelector('h4')!.textContent).toBe('1. Business Translation');
    expect(charter.querySelector('li strong')!.textContent).toBe('Objective:');
    expect(charter.querySelector('li')!.textContent).toContain('<script>alert(1)</script>');
    expect(charter.querySelector('script')).toBeNull();
    expect(
      [...charter.querySelector('table')!.querySelectorAll('td')].map((cell) => cell.textContent),
    ).toEqual(['Fairness', 'LOW']);
    expect(deepQueryAll(root, '[aria-current="step"]')).toEqual([]);

    const saved: Array<{ href: string; download: string }> = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.push({ href: this.href, download: this.download });
    });
    for (const name of ['Download Markdown', 'Download JSON', 'Download HTML'])
      byName(root, name).click();
    await until(() => expect(saved).toHaveLength(3));
    expect(saved.map((file) => file.download)).toEqual([
      'reduce-churn-charter.md',
      'reduce-churn-charter.json',
      'reduce-churn-charter.html',
    ]);
    expect(saved.every((file) => file.href.startsWith('blob:'))).toBe(true);
    expect(await (await fetch(saved[1]!.href)).json()).toMatchObject({ kind: 'uaip-charter' });
    const downloads = api.calls.filter((call) => call.path.endsWith('/charter'));
    expect(downloads.map((call) => new URL(call.url).search)).toEqual([
      '?format=md',
      '?format=md',
      '?format=json',
      '?format=html',
    ]);
    for (const call of downloads) {
      expect(call.headers.get('authorization')).toBe(`Bearer ${token}`);
      expect(call.url).not.toContain(token);
    }
  });

  it('503: says so, keeps the answer, and "Try again" re-sends it with the same idempotency key', async () => {
    const errors = collect<ErrorDetail>('uaip-error');
    const { root, api, answer } = await open();
    api.failNext('POST /sessions/:id/answers', {
      status: 503,
      code: 'llm_unavailable',
      retryAfter: 3,
    });
    await answer('My kept answer');
    await untilText(root.host, 'No language model could answer right now');
    expect(errors).toEqual([{ status: 503, code: 'llm_unavailable', message: 'llm_unavailable' }]);
    expect(byName<HTMLTextAreaElement>(root, 'Your answer').value).toBe('My kept answer');
    byName(root, 'Try again').click();
    await untilText(root.host, 'Tell me about Value Quantification.');
    const sent = api.calls.filter((call) => call.path.endsWith('/answers'));
    expect(sent.map((call) => (call.body as { answer: string }).answer)).toEqual([
      'My kept answer',
      'My kept answer',
    ]);
    const keys = sent.map((call) => call.headers.get('idempotency-key'));
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
  });

  it('429: "Too many requests — try again in N seconds", no retry button, the answer kept', async () => {
    const { root, api, answer } = await open();
    api.failNext('POST /sessions/:id/answers', {
      status: 429,
      code: 'rate_limited',
      retryAfter: 42,
    });
    await answer('Patience');
    await untilText(root.host, 'Too many requests — try again in 42 seconds.');
    expect(() => byName(root, 'Try again')).toThrow();
    expect(byName<HTMLTextAreaElement>(root, 'Your answer').value).toBe('Patience');
  });

  it('network down: a clear message, the answer kept, Try again works', async () => {
    const { root, api, answer } = await open();
    api.failNext('POST /sessions/:id/answers', 'network');
    await answer('Offline for a moment');
    await untilText(root.host, 'Cannot reach the server. Check your connection');
    expect(byName<HTMLTextAreaElement>(root, 'Your answer').value).toBe('Offline for a moment');
    byName(root, 'Try again').click();
    await untilText(root.host, 'Tell me about Value Quantification.');
  });

  it('401: says the sign-in expired, fires uaip-error and keeps the draft for after sign-in', async () => {
    const errors = collect<ErrorDetail>('uaip-error');
    const { root, api, answer, token, question } = await open();
    api.expire(token);
    await answer('Typed before expiry');
    await untilText(root.host, 'Your sign-in has expired');
    expect(errors.map((error) => error.status)).toEqual([401]);
    const pendingId = question().question!.id;
    expect(sessionStorage.getItem(`uaip:draft:${pendingId}`)).toBe('Typed before expiry');
  });

  it('409 (answered elsewhere): reloads the session and says why, without a retry button', async () => {
    const { root, api, answer, sessionId } = await open();
    api.failNext('POST /sessions/:id/answers', {
      status: 409,
      code: 'conflict',
      message: 'This question is no longer pending',
    });
    await answer('Late answer');
    await untilText(root.host, 'This question is no longer pending');
    expect(paths(api).filter((path) => path === `GET /sessions/${sessionId}`)).toHaveLength(2);
    expect(() => byName(root, 'Try again')).toThrow();
  });

  it('an unknown session says it was not found', async () => {
    const api = createFakeApi();
    const element = mount('uaip-session', {
      fetch: api.fetch,
      token: api.signUp(),
      sessionId: 'nope',
    });
    await untilText(element, 'This session was not found');
  });

  it('keeps the event stream open while shown and aborts it when removed', async () => {
    const { element, api, sessionId } = await open();
    await until(() => expect(api.openStreams(sessionId)).toBe(1));
    const stream = api.calls.find((call) => call.path.endsWith('/events'))!;
    expect(stream.headers.get('accept')).toBe('text/event-stream');
    expect(stream.url).not.toContain('token');
    element.remove();
    expect(stream.signal!.aborted).toBe(true);
    expect(api.openStreams(sessionId)).toBe(0);
    expect(paths(api).filter((path) => path.endsWith('/events'))).toHaveLength(1);
  });

  it('a completed session opens on its charter with every stage done and no stream', async () => {
    const { root, api, sessionId } = await open({ answers: ['a', 'b', 'c', 'd', 'e'] });
    await untilText(root.host, 'Session completed');
    await until(() => deepQuery(root, 'article.charter'));
    expect(deepQueryAll(root, '[part~=artifact]')).toHaveLength(5);
    expect(api.openStreams(sessionId)).toBe(0);
  });
});
