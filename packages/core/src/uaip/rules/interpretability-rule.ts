import type { UserContext, UserContextExtract } from '../schemas/user-context';

// Contexts whose decisions must be explainable, and the regulations that say so.
const HIGH_STAKES: Array<[string, RegExp]> = [
  ['healthcare', /\b(health ?care|medical|clinical|patients?|diagnos\w*|hospitals?)\b/i],
  ['safety', /\b(safety|safety-critical|injur\w*|hazard\w*)\b/i],
  ['legal', /\b(legal|law enforcement|court|judicial|litigation)\b/i],
  ['finance or credit', /\b(credit|loans?|lending|mortgages?|underwriting|insurance|banking)\b/i],
  [
    'hiring',
    /\b(hiring|recruit\w*|job applicants?|candidates? screening|employment decisions?)\b/i,
  ],
];
const REGULATIONS = ['HIPAA', 'GDPR', 'FDA', 'SEC', 'EEOC'];

/**
 * Why interpretability must be high for this context (empty when it need not): the context is
 * healthcare, safety, legal, finance/credit or hiring, or it names HIPAA, GDPR, FDA, SEC or
 * EEOC.
 */
export function highInterpretabilityReasons(contextText: string): string[] {
  const reasons = HIGH_STAKES.filter(([, pattern]) => pattern.test(contextText)).map(
    ([name]) => `${name} context`,
  );
  for (const regulation of REGULATIONS) {
    if (new RegExp(`\\b${regulation}\\b`).test(contextText)) reasons.push(`names ${regulation}`);
  }
  return reasons;
}

/** Stage 4's derive step: raises interpretability to high where the rule requires it. */
export function enforceInterpretability(
  extract: UserContextExtract,
  contextText: string,
): UserContext {
  const reasons = highInterpretabilityReasons(
    `${contextText}\n${extract.interpretability.regulations.join(' ')}\n${extract.interpretability.criticality}`,
  );
  const raise = reasons.length > 0 && extract.interpretability.level !== 'high';
  return {
    ...extract,
    interpretability: {
      ...extract.interpretability,
      level: reasons.length > 0 ? 'high' : extract.interpretability.level,
    },
    interpretabilityRaisedBecause: raise ? reasons : [],
  };
}
