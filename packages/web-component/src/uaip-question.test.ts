import { afterEach, describe, expect, it } from 'vitest';
import { type AnswerEventDetail, MAX_ANSWER_LENGTH, type PendingQuestion } from './index';

const followUp: PendingQuestion = {
  id: 'q-2',
  stageId: 'business-translation',
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
  const answers: AnswerEventDetail[] = [];
  document.body.addEventListener('uaip-answer', (event) =>
    answers.push((event as CustomEvent<AnswerEventDetail>).detail),
  );
  const send = async (text: string) => {
    root.querySelector('textarea')!.value = text;
    root.querySelector('button')!.click();
    await element.updateComplete;
  };
  return { element, root, answers, send };
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('<uaip-question>', () => {
  it('shows a follow-up with its attempt and the issues that caused it', async () => {
    const { root } = await mount(followUp);
    expect(root.querySelector('.text')!.textContent).toBe(followUp.text);
    expect(root.querySelector('.meta')!.textContent).toMatch(/Follow-up · answer 2 of 3/);
    const issues = [...root.querySelectorAll('.issues li')].map((item) => item.textContent);
    expect(issues).toEqual(['No baseline given', 'No time frame']);
  });

  it('sends the answer as written, bubbling out of the shadow root', async () => {
    const { send, answers } = await mount(followUp);
    await send('  Churn falls from 8% to 5% monthly within two quarters.  ');
    expect(answers).toEqual([
      { questionId: 'q-2', answer: '  Churn falls from 8% to 5% monthly within two quarters.  ' },
    ]);
  });

  it('refuses a blank answer with a message instead of sending it', async () => {
    const { send, answers, root } = await mount(followUp);
    await send('   \n ');
    expect(answers).toEqual([]);
    expect(root.querySelector('[role=alert]')!.textContent).toContain('write an answer');
  });

  it('refuses an answer over the limit without truncating it', async () => {
    const { send, answers, root } = await mount(followUp);
    const long = 'a'.repeat(MAX_ANSWER_LENGTH + 1);
    await send(long);
    expect(answers).toEqual([]);
    expect(root.querySelector('[role=alert]')!.textContent).toContain('10,001');
    expect(root.querySelector('textarea')!.value).toBe(long);
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
});
