import { UaipApp } from './uaip-app';
import { UaipLogin } from './uaip-login';
import { UaipQuestion } from './uaip-question';
import { UaipSession } from './uaip-session';
import { UaipSessionList } from './uaip-session-list';

export type {
  CallOptions,
  KeyedCallOptions,
  PageQuery,
  ReviewerRef,
  UaipClient,
  UaipClientOptions,
} from './api-client';
export { createUaipClient, DEFAULT_API_BASE } from './api-client';
export { ApiElement } from './api-element';
export { describeError, UaipApiError } from './api-error';
export type {
  AnswerResult,
  CharterFormat,
  EventBase,
  Health,
  HistoryEntry,
  LoginResult,
  Member,
  MemberRole,
  PendingQuestion,
  QuestionKind,
  Review,
  ReviewAssignment,
  ReviewAssignmentPage,
  Reviewer,
  ReviewRound,
  ReviewStatus,
  ReviewVote,
  RevisionResult,
  RevisionSummary,
  Session,
  SessionEvent,
  SessionHistory,
  SessionMembers,
  SessionPage,
  SessionRole,
  SessionStage,
  SessionSummary,
  SessionUsage,
  SharedSessionPage,
  SharedSessionSummary,
  StageStatus,
  Turn,
  User,
  WorkflowSummary,
} from './api-types';
export type {
  ErrorDetail,
  SessionDetail,
  SessionSelectedDetail,
  SignedInDetail,
  StageCompletedDetail,
} from './events';
export type { FieldChange, ReportChanges } from './report-changes';
export { reportChanges } from './report-changes';
export type { SseMessage } from './sse';
export { createSseParser, readEventStream } from './sse';
export { UaipApp } from './uaip-app';
export type { LoginMode } from './uaip-login';
export { UaipLogin } from './uaip-login';
export type { AnswerEventDetail } from './uaip-question';
export { clearDraft, MAX_ANSWER_LENGTH, UaipQuestion } from './uaip-question';
export { UaipSession } from './uaip-session';
export { UaipSessionList } from './uaip-session-list';

// Importing the package registers the elements (its one side effect); a second copy of the
// package on the page must not throw.
const elements: Array<[string, CustomElementConstructor]> = [
  ['uaip-question', UaipQuestion],
  ['uaip-login', UaipLogin],
  ['uaip-session-list', UaipSessionList],
  ['uaip-session', UaipSession],
  ['uaip-app', UaipApp],
];
for (const [name, element] of elements) {
  if (!customElements.get(name)) customElements.define(name, element);
}
