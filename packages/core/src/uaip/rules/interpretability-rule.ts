import type { Stakes, UserContext, UserContextExtract } from '../schemas/user-context';

// The areas whose decisions must be explainable (the spec's healthcare, safety, legal,
// finance/credit and hiring, with housing and education), and how the charter names them.
const STAKES: Record<keyof Stakes, string> = {
  credit: 'finance or credit',
  hiring: 'hiring or employment',
  medical: 'healthcare',
  housing: 'housing',
  education: 'education',
  legal: 'legal',
  safety: 'safety',
};
const REGULATIONS = ['HIPAA', 'GDPR', 'FDA', 'SEC', 'EEOC'];

/**
 * Why interpretability must be high (empty when it need not): the extraction's structured
 * answer says the predictions affect people's credit, employment, health care, housing,
 * education, legal position or safety, or a regulation in the list is HIPAA, GDPR, FDA, SEC or
 * EEOC. It reads those fields, never free text, so "nobody loses access to credit" is not a
 * credit context.
 *
 * @example
 * ```ts
 * const none = { credit: false, hiring: false, medical: false, housing: false, education: false, legal: false, safety: false };
 * highInterpretabilityReasons({ affects: { ...none, credit: true }, regulations: ['GDPR art. 22'] });
 * // ['finance or credit context', 'names GDPR']
 * ```
 */
export function highInterpretabilityReasons(
  interpretability: Pick<UserContextExtract['interpretability'], 'affects' | 'regulations'>,
): string[] {
  const reasons = (Object.keys(STAKES) as Array<keyof Stakes>)
    .filter((area) => interpretability.affects[area])
    .map((area) => `${STAKES[area]} context`);
  for (const regulation of REGULATIONS) {
    const named = new RegExp(`\\b${regulation}\\b`);
    if (interpretability.regulations.some((entry) => named.test(entry))) {
      reasons.push(`names ${regulation}`);
    }
  }
  return reasons;
}

/** Stage 4's derive step: raises interpretability to high where the rule requires it. */
export function enforceInterpretability(extract: UserContextExtract): UserContext {
  const reasons = highInterpretabilityReasons(extract.interpretability);
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
