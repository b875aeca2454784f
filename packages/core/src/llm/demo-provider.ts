import { clip, type DemoSource, readSource, sentencesOf, stemsOf } from './demo-text';
import { demoValue } from './demo-values';
import type { GenerateOptions, LlmAttempt, LlmProvider, LlmRequest, LlmResult } from './types';

/** Options of {@link demoProvider}. */
export interface DemoProviderOptions {
  /** The clock for `at` and `latencyMs`. @default Date.now */
  now?: () => number;
}

/**
 * An offline `LlmProvider` for trying the app without keys. It calls no model: every reply is
 * built from the request, from the user's delimited answers, so it is deterministic and free.
 * Scoring requests are scored by simple text measures (length, figures, units, dates, names,
 * hedges), so a vague answer gets a follow-up and a specific one passes the default threshold;
 * other structured requests get a value that validates against the request's JSON Schema,
 * filled from the answers; plain requests get a short summary starting with `(demo)`.
 * Every attempt is labelled provider and model `demo`, at cost 0, with tokens estimated.
 *
 * @example
 * ```ts
 * const { value } = await generateObject(demoProvider(), answerScoreSchema, {
 *   name: 'scoring',
 *   tier: 'fast',
 *   system: 'Score the answer.',
 *   messages: [{ role: 'user', content: `Question: Why?\n${delimit('answer', 'not sure')}` }],
 * });
 * // value.score < 7, value.followUp asks for what is missing
 * ```
 */
export function demoProvider(options: DemoProviderOptions = {}): LlmProvider {
  const now = options.now ?? Date.now;
  return {
    id: 'demo',
    async generate(request: LlmRequest, generateOptions: GenerateOptions = {}): Promise<LlmResult> {
      generateOptions.signal?.throwIfAborted();
      const started = now();
      const text = demoReply(request);
      const input = [
        request.system,
        ...request.messages.map((message) => message.content),
        request.output ? JSON.stringify(request.output.schema) : '',
      ].join('');
      const attempt: LlmAttempt = {
        provider: 'demo',
        model: 'demo',
        tier: request.tier,
        // The usual rule of thumb for English text: about four characters a token.
        inputTokens: Math.ceil(input.length / 4),
        outputTokens: Math.ceil(text.length / 4),
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0,
        latencyMs: Math.max(0, now() - started),
        outcome: 'ok',
        errorKind: null,
        at: new Date(started).toISOString(),
      };
      return { text, provider: 'demo', model: 'demo', attempts: [attempt] };
    },
  };
}

/** The demo provider's reply to a request, as text (JSON for structured requests). */
export function demoReply(request: LlmRequest): string {
  const source = readSource(request.messages);
  if (!request.output) return summary(source, request.maxTokens);
  const { name, schema } = request.output;
  const value = demoValue(schema, source);
  if (name === 'follow_up') {
    // A workflow's follow-up prompt: the question the scorer would have suggested.
    const { followUp } = scoreLastAnswer(request);
    return JSON.stringify({
      ...(value as object),
      question: followUp || 'Could you add one more concrete detail?',
    });
  }
  if (name !== 'scoring') return JSON.stringify(value);
  // A workflow's own scoring schema may add fields: those stay filled from the answers.
  const properties = schema.properties;
  const scored = scoreLastAnswer(request);
  if (typeof properties !== 'object' || properties === null) return JSON.stringify(scored);
  const merged = { ...(value as Record<string, unknown>) };
  for (const [key, field] of Object.entries(scored)) if (key in properties) merged[key] = field;
  return JSON.stringify(merged);
}

/** The scorer's reply: the shape of `answerScoreSchema`. */
interface DemoScore {
  score: number;
  issues: string[];
  followUp: string;
}

function scoreLastAnswer(request: LlmRequest): DemoScore {
  // The answer to score is the last one in the last message that has one (a re-ask appends
  // a message without answers).
  const message = request.messages.findLast(
    (candidate) => candidate.role === 'user' && candidate.content.includes('<answer>'),
  );
  const answer = message ? readSource([message]).answers.at(-1) : undefined;
  if (!answer) return { score: 0, issues: ['No answer was given'], followUp: 'Could you answer?' };
  return scoreAnswer(answer.text, answer.question);
}

const HEDGE =
  /\b(?:maybe|perhaps|probably|not sure|unsure|no idea|i guess|somehow|something like|tbd|etc)\b|\bn\/a\b|\bdo(?:n['’]?t| not) know\b/gi;
const INSTRUCTION =
  /\b(?:ignore|disregard|forget)\b.{0,40}\b(?:instructions?|prompts?|rules)\b|\b(?:score|rate|grade)\s+(?:this|me|it|the answer)\s+(?:an?\s+|as\s+)?(?:\d|ten|full|perfect|max)|\bgive\s+(?:this|me|it)\s+(?:an?\s+)?(?:\d|ten|full|perfect)|\bsystem prompt\b|\byou are now\b/i;
const UNIT =
  /[%€$£¥]|\b(?:percent|per cent|eur|usd|gbp|ms|seconds?|minutes?|hours?|days?|weeks?|months?|quarters?|years?|users?|customers?|people|employees|records|rows|requests|transactions|orders|k|bn|million|billion|thousand)\b/i;
const DATE =
  /\b(?:19|20)\d\d\b|\bQ[1-4]\b|\b(?:january|february|march|april|june|july|august|september|october|november|december)\b|\bby (?:the )?end of\b/i;

/**
 * Scores an answer from 0 to 10 by what a reader can check: its length, figures, units and
 * dates, names, shared terms with the question; hedges cost points, and text that instructs
 * the assessor scores at most 2 whatever else it holds.
 */
function scoreAnswer(answer: string, question: string): DemoScore {
  const words = answer.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  const figures = answer.match(/\d+(?:[.,]\d+)*/g)?.length ?? 0;
  const hedges = [...new Set(answer.match(HEDGE)?.map((hedge) => hedge.toLowerCase()))];
  const instructs = INSTRUCTION.test(answer);
  const questionStems = new Set(stemsOf(question).filter((stem) => stem.length >= 4));
  const onTopic = stemsOf(answer).some((stem) => questionStems.has(stem));
  // A capital inside a sentence is a name (a team, a product, a place, a regulation).
  const names = sentencesOf(answer).some((sentence) =>
    sentence
      .split(/\s+/)
      .slice(1)
      .some((word) => /^[A-Z][\p{L}]+|^[A-Z]{2,}/u.test(word)),
  );

  let score = words > 0 ? 1 : 0;
  if (words >= 12) score += 2;
  if (words >= 25) score += 2;
  if (words >= 50) score += 1;
  if (figures > 0) score += 2;
  if (figures >= 3) score += 1;
  if (UNIT.test(answer)) score += 1;
  if (DATE.test(answer)) score += 1;
  if (names) score += 1;
  if (onTopic) score += 1;
  score -= 2 * Math.min(3, hedges.length);
  if (instructs) score = Math.min(score, 2);
  score = Math.max(0, Math.min(10, score));

  const issues: string[] = [];
  const asks: string[] = [];
  if (words < 12) {
    issues.push('Too short to be specific');
    asks.push('more detail in two or three sentences');
  } else if (words < 25) {
    issues.push('Few details: who, what and by when');
    asks.push('who is involved, what exactly changes and by when');
  }
  if (figures === 0) {
    issues.push('No figures or targets');
    asks.push('the figures that apply (a baseline, a target, a count or a cost)');
  } else if (!UNIT.test(answer) && !DATE.test(answer)) {
    issues.push('Figures without units or a time frame');
    asks.push('the units and the time frame of your figures');
  }
  if (instructs) {
    // Whatever else it holds, such an answer has to be given again, in the user's own words.
    issues.splice(0, issues.length, 'Gives instructions instead of answering the question');
    asks.splice(0, asks.length, 'a direct answer in your own words');
  }
  if (hedges.length > 0) {
    issues.push(`Hedged or uncertain wording (${hedges.map((hedge) => `"${hedge}"`).join(', ')})`);
    asks.push('what you know for certain and what still has to be checked');
  }
  if (!instructs && !onTopic && questionStems.size >= 2) {
    issues.push('Does not clearly address the question');
    asks.unshift('a reply that addresses it directly');
  }

  if (score === 10) return { score, issues: [], followUp: '' };
  // The question is not quoted: clients show it beside the follow-up (a quote of a long
  // question had to be cut, and a follow-up's follow-up quoted the follow-up).
  const wanted = listOf(asks.slice(0, 3)) || 'one more concrete detail';
  return { score, issues, followUp: `Could you answer again with ${wanted}?` };
}

/** A short plain-text summary of the answers, labelled as the demo's. */
function summary(source: DemoSource, maxTokens: number | undefined): string {
  const points = source.answers.map((answer) => sentencesOf(answer.text)[0]).filter(Boolean);
  const parts = ['(demo)'];
  if (source.idea)
    parts.push(`The project: ${clip(source.idea, 200).replace(/(?<![.!?…])$/, '.')}`);
  if (points.length > 0) parts.push(`From the answers: ${points.slice(0, 6).join(' ')}`);
  else if (!source.idea) parts.push('The request carried no answers to summarize.');
  parts.push('Assembled offline from the answers by the demo provider, not by a language model.');
  return clip(parts.join(' '), Math.max(200, (maxTokens ?? 400) * 4));
}

// The asks contain commas and `and` themselves: `plus` keeps them apart.
function listOf(items: string[]): string {
  return items.join(', plus ');
}
