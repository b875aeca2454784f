import { afterEach, describe, expect, it } from 'vitest';
import { type AnswerEventDetail, MAX_ANSWER_LENGTH, type PendingQuestion } from './index';
import { accessibleName, cleanUp, collect, type } from './test-helpers.test-support';

const followUp: PendingQuestion = {
  id: 'q-2',
  stageId: 'business-translation',
  topicId: 'objective',
  text: 'Which KPI will tell you churn went down?',
  kind: 'follow_up',
  attempt: 2,
  maxAttempts: 3,
  lastScore: 4,
  issues: ['No baseline given', 'No time frame'],
};

async function mount(question: PendingQuestion) {
  const element = document.createElement('uaip-question');
  element.question = question;
  document.body.append(element);
  await element.updateComplete;
  const root = element.shadowRoot!;
  const answers = collect<AnswerEventDetail>('uaip-answer');
  const box = root.querySelector('textarea')!;
  const send = async (text: string) => {
    type(box, text);
    root.querySelector('button')!.click();
    await element.updateComplete;
  };
  return { element, root, answers, send, box };
}

afterEach(cleanUp);

describe('<uaip-question>', () => {
  it('shows a follow-up with the word Follow-up, its score and the issues that caused it', async () => {
    const { root } = await mount(followUp);
    expect(root.querySelector('.text')!.textContent).toBe(followUp.text);
    const meta = root.querySelector('.meta')!.textContent!.replace(/\s+/g, ' ');
    expect(meta).toContain('Follow-up');
    expect(meta).toContain('Score 4/10');
    expect(meta).toContain('answer 2 of 3');
    const issues = [...root.querySelectorAll('.issues li')].map((item) => item.textContent);
    expect(issues).toEqual(['No baseline given', 'No time frame']);
  });

  it('marks a gap question as such', async () => {
    const { root } = await mount({
      ...followUp,
      kind: 'gap',
      topicId: null,
      lastScore: null,
      issues: [],
    });
    expect(root.querySelector('.meta')!.textContent).toContain('Gap question');
    expect(root.querySelector('.issues')).toBeNull();
  });

  it('says "Question k of n" within the stage', async () => {
    const { root } = await mount({
      ...followUp,
      kind: 'question',
      attempt: 1,
      lastScore: null,
      issues: [],
      topicNumber: 2,
      topicCount: 4,
    });
    expect(root.querySelector('.meta')!.textContent!.replace(/\s+/g, ' ')).toContain(
      'Question 2 of 4 answer 1 of 3',
    );
  });

  it('shows a follow-up under the whole question it follows up, never a follow-up quoting a follow-up', async () => {
    const original =
      'How would a better model metric move each KPI (monthly churn rate, retention cost)? What must be true for that link to hold, and what could break it?';
    const { root } = await mount({
      ...followUp,
      attempt: 3,
      text: 'Could you answer again with the figures that apply?',
      originalText: original,
      topicNumber: 3,
      topicCount: 4,
    });
    // The question to its last word, once; the follow-up's own text, once.
    expect(root.querySelector('[part=original]')!.textContent!.replace(/\s+/g, ' ').trim()).toBe(
      `The question: ${original}`,
    );
    expect(root.querySelector('.text')!.textContent).toBe(
      'Could you answer again with the figures that apply?',
    );
    expect(root.textContent!.match(/Could you/g)).toHaveLength(1);
    expect(root.querySelector('.meta')!.textContent).toContain('question 3 of 4');
    expect(root.textContent).toContain('Your new answer replaces the last one');
  });

  it("lists a gap question's missing items, each once", async () => {
    const { root } = await mount({
      ...followUp,
      kind: 'gap',
      topicId: null,
      lastScore: null,
      issues: [],
      text: 'Before we close Value Quantification, a few things are still missing:\n- a baseline for KPI "NPS"\n- a time frame for KPI "NPS"\n- a baseline for KPI "NPS"\nCould you cover each of them?',
    });
    const items = [...root.querySelectorAll('.text li')].map((item) => item.textContent);
    expect(items).toEqual(['a baseline for KPI "NPS"', 'a time frame for KPI "NPS"']);
    expect(root.querySelector('.text')!.textContent).toContain('Could you cover each of them?');
  });

  it('labels its text box "Your answer" and its button "Submit answer"', async () => {
    const { root, box } = await mount(followUp);
    expect(accessibleName(box)).toBe('Your answer');
    expect(accessibleName(root.querySelector('button')!)).toBe('Submit answer');
  });

  it('sends the answer as written, bubbling out of the shadow root', async () => {
    const { send, answers } = await mount(followUp);
    await send('  Churn falls from 8% to 5% monthly within two quarters.  ');
    expect(answers).toEqual([
      { questionId: 'q-2', answer: '  Churn falls from 8% to 5% monthly within two quarters.  ' },
    ]);
  });

  it('sends with Ctrl+Enter from the text box', async () => {
    const { box, answers } = await mount(followUp);
    type(box, 'Churn falls to 5%.');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    expect(answers).toEqual([{ questionId: 'q-2', answer: 'Churn falls to 5%.' }]);
  });

  it('refuses a blank answer with a message instead of sending it', async () => {
    const { send, answers, root } = await mount(followUp);
    await send('   \n ');
    expect(answers).toEqual([]);
    expect(root.querySelector('[role=alert]')!.textContent).toContain('write an answer');
  });

  it('refuses an answer over the limit without truncating it', async () => {
    const { send, answers, root, box } = await mount(followUp);
    const long = 'a'.repeat(MAX_ANSWER_LENGTH + 1);
    await send(long);
    expect(answers).toEqual([]);
    expect(root.querySelector('[role=alert]')!.textContent).toContain('10,001');
    expect(box.value).toBe(long);
  });

  it('counts characters, not UTF-16 units, like the server', async () => {
    const { send, answers } = await mount(followUp);
    await send('🙂'.repeat(MAX_ANSWER_LENGTH));
    expect(answers).toHaveLength(1);
  });

  it('sends nothing while busy', async () => {
    const { element, send, answers } = await mount(followUp);
    element.busy = true;
    await element.updateComplete;
    await send('An answer');
    expect(answers).toEqual([]);
  });

  it('keeps the draft per question and gives it back on a new element', async () => {
    const first = await mount(followUp);
    type(first.box, 'Half-written thought');
    first.element.remove();
    const second = await mount(followUp);
    expect(second.box.value).toBe('Half-written thought');
  });

  it('moves the focus to "Your answer" when a new question arrives', async () => {
    const { element, root, box } = await mount(followUp);
    box.blur();
    element.question = { ...followUp, id: 'q-3', kind: 'question', lastScore: null, issues: [] };
    await element.updateComplete;
    expect(root.activeElement).toBe(box);
    expect(box.value).toBe('');
  });
});
