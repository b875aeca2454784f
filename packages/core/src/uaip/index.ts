export { buildCharter } from './charter/build';
export type { Block, RenderedDocument, Section } from './charter/document';
export { toHtml as charterHtml } from './charter/html';
export { toMarkdown as charterMarkdown } from './charter/markdown';
export type { Charter } from './charter/schema';
export { charterSchema } from './charter/schema';
export { charterDocument } from './charter/sections';
export type { UaipResult } from './finish';
export { UAIP_PROMPT_VERSION } from './prompts/shared';
export type { CharterDecision, StageGate } from './rules/charter-decision';
export { charterDecision } from './rules/charter-decision';
export type { QualityVerdict } from './rules/data-quality-rule';
export {
  dataFeasibility as dataFeasibilityOf,
  judgeDataQuality,
  scoreDataQuality,
} from './rules/data-quality-rule';
export {
  dataQualityGate,
  ethicalRiskGate,
  metricAlignmentGate,
  problemStatementGate,
  userContextGate,
} from './rules/gates';
export type { AssessedRisk, Governance, GovernanceDecision, RiskLevel } from './rules/governance';
export {
  assessRisk,
  DECISION_TITLES,
  decideGovernance,
  feasibilityOf,
  riskLevel,
} from './rules/governance';
export {
  enforceInterpretability,
  highInterpretabilityReasons,
} from './rules/interpretability-rule';
export type {
  DataQualityExtract,
  DataQualityScorecard,
  Feasibility,
  QualityDimension,
} from './schemas/data-quality';
export {
  dataQualityExtractSchema,
  FEASIBILITY_LEVELS,
  QUALITY_DIMENSIONS,
} from './schemas/data-quality';
export type { EthicalRiskExtract, Principle, Risk } from './schemas/ethical-risk';
export {
  ethicalRiskExtractSchema,
  mitigationSchema,
  PRINCIPLE_TITLES,
  PRINCIPLES,
  riskSchema,
} from './schemas/ethical-risk';
export type { CausalPathway, Kpi, MetricAlignmentMatrix } from './schemas/metric-alignment';
export {
  causalPathwaySchema,
  kpiSchema,
  metricAlignmentSchema,
} from './schemas/metric-alignment';
export type { MlArchetype, ProblemStatement } from './schemas/problem-statement';
export { ML_ARCHETYPES, OUTPUT_TYPES, problemStatementSchema } from './schemas/problem-statement';
export type { ConsistencyReview } from './schemas/review';
export { consistencyReviewSchema, executiveSummarySchema } from './schemas/review';
export type { Stakes, UserContext, UserContextExtract } from './schemas/user-context';
export { stakesSchema, userContextExtractSchema } from './schemas/user-context';
export type { EthicalRiskReport } from './stages/ethical-governance';
export { uaipWorkflow } from './workflow';
