import type { Session } from '@uaip/core';
import type { AnswerReply } from './backend';
import { decisionOf, questionOf } from './views';

// The text content of the tools' results. An agent reads text first: each one says what
// happened and what to do next, with the ids to pass back, so the agent can relay the
// questions to its user one at a time (the state lives in uaip, not in the agent).

/** What to do about the question a session waits on, or how to read its charter once done. */
export function nextStep(session: Session): string {
  const question = questionOf(session);
  if (!question) {
    const decision = decisionOf(session);
    return [
      `Session ${session.id} ("${session.title}") is completed${decision ? `: the decision is "${decision}"` : ''}.`,
      `Call get_charter with sessionId "${session.id}" to read the AI Project Charter, and share it with your user.`,
    ].join('\n');
  }
  const where = [
    `stage ${question.stageNumber} of ${question.stageCount} (${question.stageTitle})`,
    question.topicNumber === null
      ? null
      : `topic ${question.topicNumber} of ${question.topicCount}`,
  ]
    .filter(Boolean)
    .join(', ');
  const why =
    question.kind === 'follow_up'
      ? `This is a follow-up (attempt ${question.attempt} of ${question.maxAttempts}): the last answer was too vague${question.issues.length ? ` (${question.issues.join('; ')})` : ''}.\n`
      : question.kind === 'gap'
        ? 'The stage misses something: this question asks for it.\n'
        : '';
  return [
    `Session ${session.id} ("${session.title}"), ${where}.`,
    `${why}Ask your user this question word for word, and wait for their answer:`,
    '',
    question.text,
    '',
    `Then call answer_question with sessionId "${session.id}", questionId "${question.id}" and the user's answer in their own words. Do not answer for the user, and do not make up figures.`,
  ].join('\n');
}

/** How an answer scored, then the next step. */
export function answerSummary(reply: AnswerReply): string {
  const { quality, kind, escalated } = reply.outcome;
  const scored = `The answer scored ${quality.score}/10 (the bar is ${quality.threshold}).`;
  const verdict: Record<AnswerReply['outcome']['kind'], string> = {
    follow_up: 'It was not specific enough, so uaip asks a follow-up.',
    accepted: 'It was accepted.',
    stage_completed: 'It was accepted and the stage is complete.',
    session_completed: 'It was accepted and the session is complete.',
    revision_completed: 'The revised answer was accepted.',
  };
  // Escalated: the last follow-up was used up, so the topic moved on with what was given.
  const flagged = escalated
    ? ' It still missed something after the last follow-up, so uaip moved on and flagged it for review.'
    : '';
  return `${scored} ${verdict[kind]}${flagged}\n\n${nextStep(reply.session)}`;
}
