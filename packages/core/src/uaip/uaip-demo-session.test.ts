import { describe, expect, it } from 'vitest';
import {
  createMemoryStorage,
  createOrchestrator,
  demoProvider,
  type Orchestrator,
  type Session,
} from '../index';
import { type Charter, DECISION_TITLES, uaipWorkflow } from './index';

// A newcomer's session on the demo provider: specific answers to every topic (the demo passes
// them), a gap answer per stage, and whatever a test puts in their place.
const user = { userId: 'newcomer' };
const IDEA =
  'Predict which members of our 30 gym clubs will cancel next month so club managers can call them first';

const ANSWERS: Record<string, string> = {
  objective:
    'Reduce monthly membership cancellations from 4.0% to 3.0% across our 30 clubs by December 2027, worth about 1.2 million EUR a year, measured from cancellations in the Clubware billing system.',
  'why-ml':
    'Our managers used a rule of 3 missed visits in 2025 and it found only 25% of leavers; visits, classes and payments interact in ways a rule cannot follow, so we need a model.',
  'inputs-outputs':
    'Predict whether each member cancels in the next 30 days, a yes or no classification. Inputs: check-ins from the Clubware door system, class bookings and payment failures, all available every night by 02:00.',
  scope:
    'Corporate memberships are out of scope; the budget is 80,000 EUR over 6 months, GDPR applies, and we assume Clubware stays the system of record until 2028.',
  kpis: 'Monthly cancellation rate: baseline 4.0%, target 3.0% by December 2027, measured from Clubware cancellations. Save cost per kept member: baseline 35 EUR, target 25 EUR by December 2027.',
  'model-metrics':
    'Recall of at least 0.65 and precision of at least 0.35 on a 3 month holdout, measured every month by the data team.',
  'causal-pathway':
    'Better recall means more members at risk get a call from their club manager; calls keep about 20% of them, which lowers the monthly churn, assuming managers can make 300 calls a week.',
  actionability:
    'Club managers call within 72 hours of a score; scores are ready 4 hours after the nightly load at 02:00.',
  sources:
    'Clubware holds 9 million check-ins over 3 years, updated nightly, access through the IT team; the booking system holds 2 million bookings, updated hourly.',
  quality:
    'Accuracy 8, consistency 7, completeness 7, timeliness 9, validity 8 and integrity 7 out of 10, based on our data audit of March 2026.',
  labels:
    'Labels come from cancellation records in Clubware at no extra cost, 2 weeks to build, checked against 300 cases reviewed by two analysts.',
  'fair-infrastructure':
    'The data is findable in the data catalogue. It is accessible through the warehouse. It is interoperable as standard SQL tables. It is reusable by other teams. There is no feature store yet.',
  personas:
    'Club managers, 30 people with intermediate skills, use the scores daily and may offer a free month; we interviewed 10 managers in October 2026 about their call lists.',
  journey:
    'Before: managers open the call list in Clubware at 09:00. During: they see the cancellation probability and the top 3 reasons, then decide whom to call first. After: they log the outcome; a wrong score wastes about 10 minutes.',
  interpretability:
    'The stakes are low: the score only orders a call list, nobody loses access, credit or a job because of it. GDPR applies to the personal data, and managers need the top 3 reasons per member.',
  feedback:
    'Managers flag wrong scores with one click in Clubware; we retrain every quarter, or sooner when recall on the last month drops below 0.55.',
  risks:
    'Fairness: older members may get fewer offers, severity 2, likelihood 2. Privacy: visit data could be exposed, severity 2, likelihood 1. Transparency: managers may not understand scores, severity 1, likelihood 2. Safety: an outage leaves lists empty, severity 1, likelihood 2. Human agency: managers may over-trust scores, severity 2, likelihood 2.',
  mitigations:
    'A monthly fairness audit by age band removes about 50% of the fairness risk; access controls remove 60% of the privacy risk; reason codes remove 50%; a fallback list removes 70%; training removes 40% of the over-trust risk.',
  'residual-monitoring':
    'The head of operations accepts the residual risk and signs it off every quarter; a weekly dashboard tracks recall, offer rates by age band and complaints.',
  escalation:
    'We escalate when offer rates differ by more than 10 points between age bands, and shut scoring down when recall stays below 0.40 for 2 weeks; the product owner decides within 1 working day.',
};
const GAP =
  'Every input is loaded by 02:00 in Clubware before scoring at 06:00; each KPI has a baseline, a target and a date in December 2027, and 10 managers were interviewed in October 2026.';

function setup(): Orchestrator {
  return createOrchestrator({
    storage: createMemoryStorage(),
    llm: demoProvider({ now: () => 0 }),
    workflows: [uaipWorkflow],
  });
}

async function answer(orchestrator: Orchestrator, session: Session, text: string) {
  return orchestrator.answer(user, session.id, {
    questionId: session.pendingQuestion!.id,
    answer: text,
  });
}

async function runToEnd(orchestrator: Orchestrator, session: Session): Promise<Session> {
  let current = session;
  for (let turn = 0; turn < 60 && current.pendingQuestion; turn++) {
    const pending = current.pendingQuestion;
    const text = pending.kind === 'gap' ? GAP : ANSWERS[pending.topicId ?? '']!;
    current = (await answer(orchestrator, current, text)).session;
  }
  return current;
}

describe('a session on the demo provider', () => {
  it("asks follow-ups that never quote a follow-up nor cut the topic's question", async () => {
    const orchestrator = setup();
    const started = await orchestrator.start(user, { idea: IDEA, title: 'Gym churn' });
    const question = started.pendingQuestion!;
    expect(question).toMatchObject({ kind: 'question', topicNumber: 1, topicCount: 4 });
    expect(question.originalText).toBe(question.text);

    const first = await answer(orchestrator, started, 'not sure');
    const followUp = first.session.pendingQuestion!;
    expect(followUp).toMatchObject({ kind: 'follow_up', attempt: 2, topicNumber: 1 });
    expect(followUp.text).toMatch(/^Could you answer again with .+\?$/);
    // The whole question, to its last character, is kept beside the follow-up.
    expect(followUp.originalText).toBe(question.text);

    const second = await answer(orchestrator, first.session, 'maybe fewer leavers');
    const again = second.session.pendingQuestion!;
    expect(again).toMatchObject({ kind: 'follow_up', attempt: 3, originalText: question.text });
    expect(again.text).toMatch(/^Could you answer again with .+\?$/);
    expect(again.text).not.toContain('Could you answer again with Could');
    expect(again.text).not.toContain('"');

    // The third vague answer is kept, and the outcome says so at once.
    const third = await answer(orchestrator, second.session, 'no idea');
    expect(third.outcome).toMatchObject({ kind: 'accepted', escalated: true });
    expect(third.outcome.quality.score).toBeLessThan(7);
    expect(third.session.pendingQuestion).toMatchObject({ topicNumber: 2, kind: 'question' });
  });

  it('links KPIs to their causal pathways whatever the wording', async () => {
    const orchestrator = setup();
    const started = await orchestrator.start(user, { idea: IDEA, title: 'Gym churn' });
    const session = await runToEnd(orchestrator, started);
    expect(session.status).toBe('completed');
    const stage2 = session.stages.find((stage) => stage.id === 'value-quantification')!;
    // "monthly churn" in the pathway answer, "Monthly cancellation rate" in the KPI answer.
    expect(stage2.gate?.missing.filter((item) => item.includes('causal pathway'))).toEqual([]);
    const kpis = (stage2.artifact as { kpis: Array<{ pathways: unknown[] }> }).kpis;
    expect(kpis.length).toBeGreaterThan(0);
    for (const kpi of kpis) expect(kpi.pathways.length).toBeGreaterThan(0);
  });

  it('writes a charter that reads well: summary and review from the answers, no line twice', async () => {
    const orchestrator = setup();
    const started = await orchestrator.start(user, { idea: IDEA, title: 'Gym churn' });
    const session = await runToEnd(orchestrator, started);
    const markdown = (await orchestrator.report(user, session.id, 'markdown')).body as string;
    const charter = (await orchestrator.report(user, session.id, 'json')).body as Charter;

    // The executive summary is built from the answers, not the idea's title.
    const summary = charter.executiveSummary;
    expect(summary).not.toBe(IDEA);
    expect(summary).toContain(ANSWERS.objective!.split(',')[0]);
    expect(summary).toContain(
      'Primary KPI: Monthly cancellation rate: baseline 4.0% → target 3.0% by December 2027.',
    );
    expect(summary).toMatch(/Data: mean quality [\d.]+\/10 on six dimensions/);
    expect(summary).toContain('Users: Club managers');
    expect(summary).toContain(`Decision: ${DECISION_TITLES[charter.decision.decision]}`);

    // The review compares the stages with the figures from the answers, and invents nothing.
    expect(charter.consistencyReview.contradictions).toEqual([]);
    expect(charter.consistencyReview.assessment).toContain(
      'Time to act: users have 72 h to act, and predictions arrive 4 h after the data.',
    );
    expect(charter.consistencyReview.assessment).not.toContain(IDEA);

    // The primary KPI says its name once.
    expect(markdown).toContain(
      '- **Primary KPI:** Monthly cancellation rate: baseline 4.0% → target 3.0% by December 2027\n',
    );

    // No line of the charter repeats itself, and no line repeats one of its own parts.
    const lines = markdown
      .split('\n')
      .filter((line) => line.trim() !== '' && !/^\|(?: --- \|)+$/.test(line));
    const repeated = lines.filter((line, index) => lines.indexOf(line) !== index);
    expect(repeated).toEqual([]);
    for (const line of lines.filter((candidate) => candidate.startsWith('- '))) {
      const parts = line.replace(/^- (\*\*[^*]+:\*\* )?/, '').split('; ');
      expect(new Set(parts).size, line).toBe(parts.length);
    }
  });

  it('revises a stage 1 answer of a completed session: charter rebuilt, old one kept', async () => {
    const orchestrator = setup();
    const started = await orchestrator.start(user, { idea: IDEA, title: 'Gym churn' });
    const session = await runToEnd(orchestrator, started);
    const before = (await orchestrator.report(user, session.id, 'json')).body as Charter;
    const turns = await orchestrator.turns(user, session.id);
    const objective = turns.find((turn) => turn.topicId === 'objective' && turn.accepted)!;
    const questionsBefore = turns.length;

    const newObjective =
      'Reduce monthly membership cancellations from 4.0% to 2.5% across our 30 clubs by June 2027, worth about 1.5 million EUR a year, measured from cancellations in the Clubware billing system.';
    let result = await orchestrator.revise(user, session.id, {
      turnId: objective.id,
      answer: newObjective,
    });
    // A stage rebuilt on it may now miss something: its gap question is answered like any.
    for (let turn = 0; turn < 10 && result.revision?.status !== 'completed'; turn++)
      result = await answer(orchestrator, result.session, GAP);
    expect(result.outcome.kind).toBe('revision_completed');
    expect(result.revision!.rebuilt).toEqual(result.session.stages.map((stage) => stage.id));
    expect(result.session.status).toBe('completed');

    const after = (await orchestrator.report(user, session.id, 'json')).body as Charter;
    expect(after.executiveSummary).toContain(newObjective.split(',')[0]);
    expect(after.executiveSummary).not.toContain(ANSWERS.objective!.split(',')[0]);
    expect(after.decision.decision).toBeDefined();

    const history = await orchestrator.history(user, session.id);
    expect(history.reports.map((entry) => entry.report)).toEqual([before, after]);
    expect(history.results).toHaveLength(2);
    // The revision and, at most, gap answers: no topic was asked again.
    const added = (await orchestrator.turns(user, session.id)).slice(questionsBefore);
    expect(added[0]).toMatchObject({ revisesTurnId: objective.id, answer: newObjective });
    expect(added.slice(1).every((turn) => turn.kind === 'gap')).toBe(true);
  });
});
