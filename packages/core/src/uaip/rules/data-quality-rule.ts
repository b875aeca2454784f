import {
  type DataQualityExtract,
  type DataQualityScorecard,
  type Feasibility,
  QUALITY_DIMENSIONS,
} from '../schemas/data-quality';

/** The verdict of the data-quality rule on six 0–10 scores. */
export interface QualityVerdict {
  mean: number;
  /** The average is at least 6 and no dimension is below 4. */
  passes: boolean;
  /** Dimensions at 4 or 5: a warning, listed in the charter. */
  warnings: Array<(typeof QUALITY_DIMENSIONS)[number]>;
  /** Dimensions below 4. */
  failing: Array<(typeof QUALITY_DIMENSIONS)[number]>;
}

/**
 * The one data-quality rule, used for both the feasibility and the gate: quality passes when
 * the average is ≥ 6 and no dimension is below 4; 4–5 is a warning.
 */
export function judgeDataQuality(scores: DataQualityExtract['quality']): QualityVerdict {
  const values = QUALITY_DIMENSIONS.map((dimension) => scores[dimension]);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const failing = QUALITY_DIMENSIONS.filter((dimension) => scores[dimension] < 4);
  const warnings = QUALITY_DIMENSIONS.filter(
    (dimension) => scores[dimension] >= 4 && scores[dimension] <= 5,
  );
  return {
    mean: Math.round(mean * 100) / 100,
    passes: mean >= 6 && failing.length === 0,
    warnings,
    failing,
  };
}

/**
 * Feasibility: high when quality passes and at least three FAIR principles are met; medium
 * when the average is at least 5; low otherwise.
 */
export function dataFeasibility(verdict: QualityVerdict, fairPrinciplesMet: number): Feasibility {
  if (verdict.passes && fairPrinciplesMet >= 3) return 'high';
  return verdict.mean >= 5 ? 'medium' : 'low';
}

/** Stage 3's derive step: the extracted scorecard with the rule's verdict. */
export function scoreDataQuality(extract: DataQualityExtract): DataQualityScorecard {
  const verdict = judgeDataQuality(extract.quality);
  const fair = [
    extract.fair.findable,
    extract.fair.accessible,
    extract.fair.interoperable,
    extract.fair.reusable,
  ];
  const fairPrinciplesMet = fair.filter(Boolean).length;
  return {
    ...extract,
    meanQuality: verdict.mean,
    qualityPasses: verdict.passes,
    warnings: verdict.warnings,
    failing: verdict.failing,
    fairPrinciplesMet,
    feasibility: dataFeasibility(verdict, fairPrinciplesMet),
  };
}
