export type { BlockingProvider } from './blocking-provider';
export { blockingProvider } from './blocking-provider';
export type { FixedClock } from './clock-and-ids';
export { fixedClock, sequentialIds } from './clock-and-ids';
export type { ScriptedProvider, ScriptedReply, ScriptedResponder } from './scripted-provider';
export { failingProvider, scriptedProvider } from './scripted-provider';
export type { StorageFixture } from './storage-contract';
export { storageContract } from './storage-contract';
