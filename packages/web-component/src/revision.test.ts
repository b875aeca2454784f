import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorDetail, SessionDetail, UaipQuestion } from './index';
import {
  accessibleName,
  adaSession,
  byName,
  cleanUp,
  collect,
  deepQuery,
  deepQueryAll,
  deepText,
  focused,
  openSession,
  type,
  until,
  untilText,
} from './test-helpers.test-support';

afterEach(cleanUp);

const FIVE = ['one', 'two', 'three', 'four', 'five'].map((word) => `A clear answer ${word}`);

async function open(answers: string[]) {
  const { api, token, sessionId: id } = await adaSession(answers);
  const { element, root } = await openSession(api, token, id);
  // "Your answers" is folded: unfold it as a person would.
  if (answers.length > 0) {
    const summary = await until(() => deepQuery(root, '[part~=answers] summary'));
    summary.click();
  }
  const editButtons = () =>
    deepQueryAll<HTMLButtonElement>(root, 'button[part~=edit-button]').map(accessibleName);
  const box = () => byName<HTMLTextAreaElement>(root, 'New answer');
  const preview = () => deepQuery(root, '[part~=preview]').textContent!.replace(/\s+/g, ' ');
  const stageStatuses = () =>
    deepQueryAll(root, 'ol[part~=progress] > li').map((card) =>
      card.querySelector('.stage-status')!.textContent!.replace(/\s+/g, ' ').trim(),
    );
  const revise = async (edit: string, text: string) => {
    byName(root, edit).click();
    await element.updateComplete;
    type(box(), text);
    byName(root, 'Save new answer').click();
  };
  return {
    api,
    token,
    element,
    root,
    sessionId: id,
    editButtons,
    box,
    preview,
    stageStatuses,
    revise,
  };
}

describe('editing an earlier answer', () => {
  it('offers "Edit" on the answers of the record only: not on followed-up or revised ones', async () => {
    const { api, root, sessionId, editButtons } = await open([
      'something vague',
      'A first clear answer',
      'Value answer',
    ]);
    const first = api.turns(sessionId).find((turn) => turn.answer === 'A first clear answer')!;
    expect(await api.revise(sessionId, first.id, 'A revised clear answer')).toBe(200);
    const element = root.host as HTMLElement & { load(): Promise<void> };
    await element.load();
    await until(() =>
      expect(editButtons()).toEqual([
        'Edit answer 1 of Business Translation',
        'Edit answer 1 of Value Quantification',
      ]),
    );
    await until(() =>
      expect(deepText(deepQuery(root, '[part~=answers]'))).toContain('A revised clear answer'),
    );
    const record = deepText(deepQuery(root, '[part~=answers]'));
    expect(record).toContain('Tell me about Business Translation.');
    expect(record).toContain('score 8/10 · revised');
    expect(record).toContain('Value answer');
    expect(record).not.toContain('something vague');
    expect(record).not.toContain('A first clear answer');
  });

  it('opens an editor prefilled with the answer, says what saving rebuilds, and Cancel gives focus back', async () => {
    const { root, element, box, preview } = await open(FIVE.slice(0, 3));
    byName(root, 'Edit answer 1 of Value Quantification').click();
    await element.updateComplete;
    await until(() => expect(focused()).toBe(box()));
    expect(box().value).toBe('A clear answer two');
    expect(preview()).toBe(
      'Saving will re-check this answer, then rebuild: Value Quantification and Data Feasibility. No question is asked again unless a rebuilt stage now misses something.',
    );
    expect(box().getAttribute('aria-describedby')).toBe('revise-preview');
    byName(root, 'Cancel').click();
    await until(() =>
      expect(accessibleName(focused()!)).toBe('Edit answer 1 of Value Quantification'),
    );
    expect(deepQueryAll(root, '[part~=editor]')).toHaveLength(0);
  });

  it('the preview names the charter for a completed session, and nothing to rebuild for a stage in progress', async () => {
    const done = await open(FIVE);
    byName(done.root, 'Edit answer 1 of User Centricity').click();
    await done.element.updateComplete;
    expect(done.preview()).toContain(
      'rebuild: User Centricity, Ethical Governance and the charter (its decision may change).',
    );
    cleanUp();
    // An answer that left a gap: accepted, its stage still in progress.
    const active = await open(['leaves a gap']);
    byName(active.root, 'Edit answer 1 of Business Translation').click();
    await active.element.updateComplete;
    expect(active.preview()).toBe(
      'Saving will re-check this answer; nothing built on it needs rebuilding yet.',
    );
  });

  it('saves a good revision with an Idempotency-Key, shows live progress, then the rebuilt stages, charter and what changed', async () => {
    const completed = collect<SessionDetail>('uaip-session-completed');
    const { api, root, element, sessionId, revise } = await open(FIVE);
    await until(() => deepQuery(root, 'article.charter'));
    expect(deepQueryAll(root, '[part~=changes]')).toHaveLength(0);
    const release = api.holdAnswers();
    await revise('Edit answer 1 of Business Translation', 'Cut monthly churn to 5%');
    const live = await until(() => deepQuery(root, '[part~=editor] [aria-live="polite"]'));
    await until(() =>
      expect(live.textContent).toContain(
        'Revision started: Business Translation, Value Quantification, Data Feasibility, User Centricity, Ethical Governance will be rebuilt once the new answer is accepted.',
      ),
    );
    expect(live.textContent).toContain('Re-checking the new answer…');
    expect(byName<HTMLButtonElement>(root, 'Save new answer').disabled).toBe(true);
    release();
    await untilText(
      root.host,
      'Answer accepted with a score of 8/10. Revision done: rebuilt Business Translation, Value Quantification, Data Feasibility, User Centricity, Ethical Governance and the charter.',
    );
    const sent = api.calls.find((call) => call.path.endsWith('/revisions'))!;
    const original = api.turns(sessionId).find((turn) => turn.answer === 'A clear answer one')!;
    expect(sent.path).toBe(`/sessions/${sessionId}/turns/${original.id}/revisions`);
    expect(sent.body).toEqual({ answer: 'Cut monthly churn to 5%' });
    expect(sent.headers.get('idempotency-key')).toBeTruthy();
    // Stage cards all done again; the artifact and the charter show the new answer.
    await until(() =>
      expect(deepText(deepQuery(root, 'article.charter'))).toContain(
        'Objective: Cut monthly churn to 5%',
      ),
    );
    expect(
      deepQueryAll(root, 'ol[part~=progress] > li').every((card) => card.matches('.completed')),
    ).toBe(true);
    expect(
      deepText(deepQuery(root, '[part~=artifact][data-stage=business-translation]')),
    ).toContain('Cut monthly churn to 5%');
    const changes = await until(() => deepQuery(root, '[part~=changes]'));
    expect(deepText(changes)).toContain('What changed since the previous version');
    expect(deepText(changes)).toContain('The decision did not change.');
    expect([...changes.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'Stages › Business translation › Business objective: was "Reduce monthly churn", now "Cut monthly churn to 5%"',
    ]);
    // Focus is back on the answer's "Edit", now the revised one.
    await until(() =>
      expect(accessibleName(focused()!)).toBe('Edit answer 1 of Business Translation'),
    );
    expect(completed.map((detail) => detail.session.status)).toEqual(['completed']);
    expect(element.session!.status).toBe('completed');
  });

  it('a vague revision brings its follow-up to the question box, the stages to rebuild marked "being rebuilt"', async () => {
    const { root, element, revise, stageStatuses, editButtons } = await open(FIVE);
    await until(() => deepQuery(root, 'article.charter'));
    await revise('Edit answer 1 of Value Quantification', 'something vague');
    await untilText(
      root.host,
      'Your new answer needs more detail: answer the follow-up question below to finish the revision. Until then, Value Quantification, Data Feasibility, User Centricity and Ethical Governance show as being rebuilt.',
    );
    const question = deepQuery<UaipQuestion>(root, 'uaip-question');
    await question.updateComplete;
    expect(question.question!.kind).toBe('follow_up');
    expect(deepText(question)).toContain('The question: Tell me about Value Quantification.');
    await until(() => expect(accessibleName(focused()!)).toBe('Your answer'));
    expect(stageStatuses()).toEqual([
      'done',
      'being rebuilt',
      'being rebuilt',
      'being rebuilt',
      'being rebuilt',
    ]);
    expect(deepQueryAll(root, '[part~=stage-stale]')).toHaveLength(4);
    expect(deepQuery(root, '[aria-current=step] .stage-title').textContent).toBe(
      'Value Quantification',
    );
    // While it waits: no charter, no other revision.
    expect(deepQueryAll(root, 'article.charter')).toHaveLength(0);
    expect(editButtons()).toHaveLength(5);
    for (const button of deepQueryAll<HTMLButtonElement>(root, 'button[part~=edit-button]'))
      expect(button.disabled).toBe(true);
    expect(deepText(root.host)).toContain('A revision is under way: answer the question above');

    type(byName<HTMLTextAreaElement>(root, 'Your answer'), 'A clear, specific revision');
    byName(root, 'Submit answer').click();
    await untilText(root.host, 'Revision done: rebuilt Value Quantification');
    await until(() => deepQuery(root, 'article.charter'));
    expect(stageStatuses()).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(element.session!.status).toBe('completed');
    await until(() =>
      expect(deepText(deepQuery(root, '[part~=answers]'))).toContain('A clear, specific revision'),
    );
    await until(() =>
      expect(accessibleName(focused()!)).toBe('Edit answer 1 of Value Quantification'),
    );
  });

  it('a revision whose stage now fails its gate asks the gap question; the changes then show the new decision', async () => {
    const { root, revise, stageStatuses } = await open(FIVE);
    await until(() => deepQuery(root, 'article.charter'));
    expect(deepText(deepQuery(root, 'article.charter'))).toContain('Decision: Proceed');
    await revise('Edit answer 1 of Data Feasibility', 'An answer that fails gate');
    await untilText(
      root.host,
      'Answer accepted with a score of 8/10. Data Feasibility now misses something: answer the gap question below to finish the revision.',
    );
    await untilText(root.host, 'Gap question');
    expect(stageStatuses()).toEqual(['done', 'done', 'current', 'being rebuilt', 'being rebuilt']);
    type(byName<HTMLTextAreaElement>(root, 'Your answer'), 'Still fails gate');
    byName(root, 'Submit answer').click();
    await untilText(root.host, 'Revision done: rebuilt Data Feasibility, User Centricity');
    await until(() =>
      expect(deepText(deepQuery(root, 'article.charter'))).toContain('Decision: Revise'),
    );
    const changes = await until(() => deepQuery(root, '[part~=changes]'));
    expect(deepText(changes)).toContain('Decision changed from Proceed to Revise.');
    expect(deepText(changes)).toContain('Decision › Failed gates: added "data-feasibility"');
    expect(stageStatuses()[2]).toBe('done · 1 open item');
  });

  it('409, 422 and 503 say what happened and keep the new text; Save re-sends with the same key', async () => {
    const errors = collect<ErrorDetail>('uaip-error');
    const { api, root, box, revise } = await open(FIVE.slice(0, 2));
    const route = 'POST /sessions/:id/turns/:turnId/revisions';
    api.failNext(route, { status: 409, code: 'conflict', message: 'A turn is running' });
    await revise('Edit answer 1 of Business Translation', 'My careful new answer');
    await untilText(root.host, 'A revision or another answer of this session is under way');
    expect(box().value).toBe('My careful new answer');
    expect(deepQuery(root, '[part~=editor] [role=alert]')).toBeTruthy();
    byName(root, 'Reload the session');

    api.failNext(route, {
      status: 422,
      code: 'invalid_state',
      message: 'This answer was revised since',
    });
    byName(root, 'Save new answer').click();
    await untilText(
      root.host,
      'This answer can no longer be revised (This answer was revised since).',
    );
    expect(box().value).toBe('My careful new answer');

    api.failNext(route, { status: 503, code: 'llm_unavailable', message: 'No model.' });
    byName(root, 'Save new answer').click();
    await untilText(root.host, 'No language model could answer right now; what you typed is kept.');
    expect(box().value).toBe('My careful new answer');
    expect(errors.map((error) => error.code)).toEqual([
      'conflict',
      'invalid_state',
      'llm_unavailable',
    ]);

    byName(root, 'Save new answer').click();
    await untilText(root.host, 'Revision done: rebuilt Business Translation');
    const keys = api.calls
      .filter((call) => call.path.endsWith('/revisions'))
      .map((call) => call.headers.get('idempotency-key'));
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(1);
  });

  it('an answer revised elsewhere: 422, then "Reload the session" moves the editor to the answer as it stands, keeping the text', async () => {
    // A completed session has no event stream open, so the other tab goes unnoticed.
    const { api, root, box, sessionId, revise } = await open(FIVE);
    await until(() => deepQuery(root, 'article.charter'));
    const first = api.turns(sessionId).find((turn) => turn.answer === 'A clear answer one')!;
    expect(await api.revise(sessionId, first.id, 'Revised in another tab')).toBe(200);
    await revise('Edit answer 1 of Business Translation', 'Revised here');
    await untilText(
      root.host,
      'This answer can no longer be revised (This answer was revised since',
    );
    byName(root, 'Reload the session').click();
    await until(() =>
      expect(deepText(deepQuery(root, '[part~=answers]'))).toContain('Revised in another tab'),
    );
    expect(deepQueryAll(root, '[part~=editor] [role=alert]')).toHaveLength(0);
    expect(box().value).toBe('Revised here');
    byName(root, 'Save new answer').click();
    await untilText(root.host, 'Revision done');
    const sent = api.calls.filter((call) => call.path.endsWith('/revisions')).at(-1)!;
    const current = api.turns(sessionId).find((turn) => turn.answer === 'Revised in another tab')!;
    expect(sent.path).toContain(`/turns/${current.id}/revisions`);
    await until(() =>
      expect(deepText(deepQuery(root, '[part~=answers]'))).toContain('Revised here'),
    );
  });

  it('refuses an unchanged or blank answer before sending it', async () => {
    const { api, root, element, box } = await open(FIVE.slice(0, 1));
    byName(root, 'Edit answer 1 of Business Translation').click();
    await element.updateComplete;
    byName(root, 'Save new answer').click();
    await untilText(root.host, 'This is the answer already recorded: change it first, or cancel.');
    type(box(), '   ');
    byName(root, 'Save new answer').click();
    await untilText(root.host, 'Please write an answer first.');
    expect(api.calls.filter((call) => call.path.endsWith('/revisions'))).toHaveLength(0);
  });

  it('at 390 px the editor, its preview and its buttons fit the width', async () => {
    const { root, element } = await open(FIVE);
    element.style.width = '390px';
    byName(root, 'Edit answer 1 of Business Translation').click();
    await element.updateComplete;
    const right = element.getBoundingClientRect().right;
    for (const part of ['[part~=editor]', '[part~=preview]', 'textarea.revise-box'])
      expect(deepQuery(root, part).getBoundingClientRect().right).toBeLessThanOrEqual(right + 0.5);
    for (const name of ['Save new answer', 'Cancel'])
      expect(byName(root, name).getBoundingClientRect().right).toBeLessThanOrEqual(right + 0.5);
    expect(element.scrollWidth).toBeLessThanOrEqual(390);
  });
});
