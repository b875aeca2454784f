export type { BlockingProvider } from './blocking-provider';
export { blockingProvider } from './blocking-provider';
export type { FixedClock } from './clock-and-ids';
export { fixedClock, sequentialIds } from './clock-and-ids';
export { demoResponder } from './demo-responder';
export type { FakeAnthropicOptions } from './fake-anthropic-server';
export { startFakeAnthropic } from './fake-anthropic-server';
export type { FakeOllamaOptions } from './fake-ollama-server';
export { startFakeOllama } from './fake-ollama-server';
export type { FakeBehaviour, FakeLlmServer, FakeReply, RecordedRequest } from './fake-server-core';
export { NOT_JSON_TEXT } from './fake-server-core';
export type {
  ScriptedProvider,
  ScriptedProviderOptions,
  ScriptedReply,
  ScriptedResponder,
} from './scripted-provider';
export { failingProvider, scriptedProvider } from './scripted-provider';
export type { StorageFixture } from './storage-contract';
export { storageContract } from './storage-contract';
export {
  at,
  makeCall,
  makeClaim,
  makeCommit,
  makeHistory,
  makeMember,
  makeQuestion,
  makeReview,
  makeReviewer,
  makeReviewRound,
  makeRevision,
  makeSession,
  makeStage,
  makeTurn,
  makeUser,
  sessionAfterCommit,
} from './storage-records';
