export type {
  AccessTokenClaims,
  LoginResult,
  PasswordAuth,
  PasswordAuthOptions,
  PasswordHasher,
  PublicUser,
} from './auth/password-auth';
export {
  bcryptHasher,
  changePasswordInput,
  createPasswordAuth,
  loginInput,
  registerInput,
} from './auth/password-auth';
export type { Auth, Principal } from './auth/types';
export type { Clock } from './clock';
export { systemClock } from './clock';
export type { ErrorCode, ErrorDetail, UaipErrorOptions } from './errors';
export { ERROR_CODES, UaipError } from './errors';
export type { SessionExport } from './export/schema';
export {
  MAX_SESSION_EXPORT_BYTES,
  SESSION_EXPORT_FORMAT,
  SESSION_EXPORT_VERSIONS,
  sessionExportJsonSchema,
  sessionExportSchema,
} from './export/schema';
export type { AnthropicProviderOptions } from './llm/anthropic';
export { anthropicProvider, DEFAULT_ANTHROPIC_MODELS } from './llm/anthropic';
export type { CircuitBreakerOptions } from './llm/circuit-breaker';
export { delimit } from './llm/delimit';
export type { DemoProviderOptions } from './llm/demo-provider';
export { demoProvider } from './llm/demo-provider';
export type { ProviderErrorKind, ProviderErrorOptions } from './llm/errors';
export { AllProvidersFailedError, attemptsOf, LlmCallError, ProviderError } from './llm/errors';
export type { FallbackChainOptions } from './llm/fallback';
export { fallbackChain } from './llm/fallback';
export type {
  ConfiguredProvider,
  LlmConfig,
  ProbeResult,
  ProvidersFromEnvOptions,
} from './llm/from-env';
export { providersFromEnv } from './llm/from-env';
export type { OllamaProviderOptions } from './llm/ollama';
export { ollamaProvider } from './llm/ollama';
export {
  type JsonSchema,
  outputSchemaProblems,
  structuredOutputProblems,
  structuredOutputSchema,
} from './llm/output-schema';
export type { GeneratedObject, ObjectRequest } from './llm/structured';
export { generateObject } from './llm/structured';
export type {
  GenerateOptions,
  LlmAttempt,
  LlmMessage,
  LlmProvider,
  LlmRequest,
  LlmResult,
  Tier,
  TokenUsage,
} from './llm/types';
export type { Logger } from './logger';
export { silentLogger } from './logger';
export type {
  AnswerOptions,
  Orchestrator,
  OrchestratorOptions,
  ReportFormat,
  ReportOutput,
} from './orchestrator/create-orchestrator';
export { createOrchestrator } from './orchestrator/create-orchestrator';
export { defaultPrompts } from './orchestrator/default-prompts';
export type {
  EventBase,
  EventBus,
  SessionEvent,
  SessionEventType,
  SessionListener,
} from './orchestrator/events';
export { createInProcessEventBus, tapEventBus } from './orchestrator/events';
export type {
  AnswerInput,
  ListSessionsInput,
  ReviseInput,
  StartSessionInput,
} from './orchestrator/inputs';
export {
  answerInput,
  listSessionsInput,
  MAX_ANSWER_LENGTH,
  parseInput,
  reviseInput,
  startSessionInput,
} from './orchestrator/inputs';
export type {
  AnswerScore,
  QualityDecision,
  QualityOptions,
  QualitySettings,
} from './orchestrator/quality';
export {
  answerScoreSchema,
  decideQuality,
  followUpSchema,
  qualitySettings,
} from './orchestrator/quality';
export type {
  ListReviewsInput,
  RequestReviewInput,
  Reviews,
  VoteInput,
} from './orchestrator/review';
export { listReviewsInput, requestReviewInput, voteInput } from './orchestrator/review';
export type {
  AccountName,
  Member,
  SessionMembers,
  SharedSession,
  ShareInput,
  Sharing,
} from './orchestrator/sharing';
export { shareInput } from './orchestrator/sharing';
export type { TracingOptions } from './orchestrator/turn-tracing';
export type {
  AnswerOutcome,
  AnswerResult,
  HistoryEntry,
  PendingQuestion,
  Review,
  Reviewer,
  ReviewRound,
  RevisionSummary,
  Session,
  SessionHistory,
  SessionStage,
  Turn,
  UsageFigures,
  UsageSummary,
  WebhookDelivery,
} from './orchestrator/view-types';
export { toUsageSummary } from './orchestrator/views';
export type { FieldChange } from './replay/diff';
export { fieldChanges } from './replay/diff';
export { replayMarkdown, replaySummaryMarkdown } from './replay/markdown';
export { NOTHING_RECORDED } from './replay/recorded-answers';
export type { ReplayOptions } from './replay/replay-session';
export { replaySession, replaySessions } from './replay/replay-session';
export type {
  AnswerDecision,
  AnswerVerdict,
  ReplayAnswer,
  ReplayReport,
  ReplayRun,
  ReplayStage,
  ReplaySummary,
  ReplayUsage,
} from './replay/types';
export { createMemoryStorage } from './storage/memory-storage';
export type {
  DeliveryAttempt,
  DeliveryOutcome,
  OutboxClaim,
  OutboxMessage,
  OutboxRecord,
  OutboxStatus,
} from './storage/outbox-types';
export { OUTBOX_RETENTION_MS } from './storage/outbox-types';
export type {
  ClaimResult,
  GateResult,
  HistoryRecord,
  IdempotencyStart,
  IdempotencyState,
  ImportedContent,
  Lease,
  LeaseRenewal,
  LlmCallRecord,
  MemberPut,
  MemberRecord,
  MemberRole,
  Page,
  PageRequest,
  PendingQuestionRecord,
  QuestionClaim,
  QuestionKind,
  ReviewAssignment,
  ReviewerRecord,
  ReviewRecord,
  ReviewRoundRecord,
  ReviewStatus,
  ReviewVote,
  RevisionClaim,
  RevisionRecord,
  SessionAccess,
  SessionClaim,
  SessionClaimed,
  SessionRecord,
  SessionStatus,
  SessionSummary,
  SessionUpdate,
  SharedSessionSummary,
  StageRecord,
  StageStatus,
  Storage,
  TurnCommit,
  TurnRecord,
  UsageTotals,
  UserPatch,
  UserRecord,
} from './storage/types';
export type { BudgetOptions } from './usage/budget';
export type { ModelPrice, Pricing } from './usage/pricing';
export { createPricing, DEFAULT_PRICES } from './usage/pricing';
export type { ResolvedAddress, Resolver } from './webhooks/address-guard';
export type {
  WebhookEndpoint,
  WebhookEventPattern,
  WebhookEventType,
  WebhookOptions,
} from './webhooks/config';
export { checkWebhookOptions, WEBHOOK_EVENT_TYPES } from './webhooks/config';
export type { WebhookDispatcher, WebhookDispatcherOptions } from './webhooks/dispatcher';
export { createWebhookDispatcher } from './webhooks/dispatcher';
export { webhookPayload } from './webhooks/messages';
export { defineStage, defineTopic, defineWorkflow } from './workflow/define';
export type {
  ExtractionPromptInput,
  FinishContext,
  FollowUpPromptInput,
  PromptParts,
  ReportInput,
  ScoringPromptInput,
  Stage,
  StageContext,
  Topic,
  TopicAnswers,
  Workflow,
  WorkflowPrompts,
  WorkflowReport,
} from './workflow/types';
