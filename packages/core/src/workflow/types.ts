import type { z } from 'zod';
import type { LlmRequest } from '../llm/types';
import type { Review, Session, Turn, UsageSummary } from '../orchestrator/view-types';
import type { GateResult } from '../storage/types';

/** What a question, a gate or a prompt can see of the session so far. */
export interface StageContext {
  title: string;
  idea: string;
  /** The artifacts of the stages completed so far, by stage id. */
  artifacts: Readonly<Record<string, unknown>>;
}

/** One question put to the user; the answer goes through the quality loop. */
export interface Topic {
  id: string;
  /** The question, or a function of earlier artifacts that writes it. */
  question: string | ((context: StageContext) => string);
  /** What a complete answer covers: shown to the scorer so it can name what is missing. */
  criteria?: string;
}

/**
 * A topic of a stage as handed to the extractor: its question as first asked and its accepted
 * answer. Answers scored under the threshold and followed up are not part of the record.
 */
export interface TopicAnswers {
  topicId: string | null;
  question: string;
  answers: string[];
}

/**
 * A stage: topics asked in order, then an artifact extracted and checked by a gate.
 * `Extracted` is what the LLM writes; `Artifact` is what `derive` makes of it (the same when
 * there is no `derive`).
 */
export interface Stage<Extracted = unknown, Artifact = Extracted> {
  id: string;
  title: string;
  description: string;
  topics: Topic[];
  /** What the LLM extracts from the stage's answers, validated by this schema. */
  artifact: z.ZodType<Extracted>;
  /**
   * Plain code run on the extracted value: adds what rules decide rather than the model
   * (scores, levels, decisions). The stored artifact is its result.
   */
  derive?: (extracted: Extracted, context: StageContext) => Artifact;
  /** Plain code, no LLM: what the artifact still misses. Passes when omitted. */
  gate?: (artifact: Artifact, context: StageContext) => GateResult;
  /** The gap question asked once when the gate fails. */
  gapQuestion?: (missing: string[], context: StageContext) => string;
}

/** What the prompts of a workflow receive to score an answer. */
export interface ScoringPromptInput {
  stage: Stage;
  topic: Topic | null;
  /** The question as first asked (the topic's or the gap's), also for a follow-up's answer. */
  question: string;
  /** What the user was shown, when it differs from `question`: the follow-up they answered. */
  askedAs?: string;
  answer: string;
  /** Earlier answers to the same topic, oldest first. */
  previousAnswers: string[];
  context: StageContext;
}

/** What a workflow's follow-up prompt receives: the answer and what the scorer found. */
export interface FollowUpPromptInput extends ScoringPromptInput {
  score: number;
  issues: string[];
}

/** What the prompts of a workflow receive to extract an artifact. */
export interface ExtractionPromptInput {
  stage: Stage;
  answers: TopicAnswers[];
  context: StageContext;
}

/** A prompt without its tier and output schema, which the engine sets. */
export type PromptParts = Pick<LlmRequest, 'system' | 'messages'>;

/** The prompts a workflow's turns use; the engine has defaults for each. */
export interface WorkflowPrompts {
  /** Recorded with every session and LLM call, so a transcript says which prompts made it. */
  version: string;
  /** The prompt that scores one answer (fast tier). */
  scoring(input: ScoringPromptInput): PromptParts;
  /**
   * Writes the follow-up question (fast tier, `{ question }`) after a low score. Without it,
   * the scorer's suggested follow-up is used, which saves a call.
   */
  followUp?(input: FollowUpPromptInput): PromptParts;
  /** The prompt that extracts a stage's artifact (balanced tier). */
  extraction(input: ExtractionPromptInput): PromptParts;
}

/** What a workflow's report is built from: a completed session, its transcript and its usage. */
export interface ReportInput {
  session: Session;
  turns: Turn[];
  usage: UsageSummary;
  /** The session's committee review, when one was requested. */
  review?: Review | null;
}

/** A completed session's report (U-AIP's AI Project Charter), in three formats. */
export interface WorkflowReport {
  /** The structured report: plain JSON, validated by the workflow's own schema. */
  build(input: ReportInput): unknown;
  /** The report as Markdown. */
  markdown(report: unknown): string;
  /** A standalone, printable HTML page. */
  html(report: unknown): string;
}

/** What a workflow's `finish` step gets after its last stage. */
export interface FinishContext extends StageContext {
  /** Every stage, in order, with the result of its gate (a stage may complete with it failed). */
  stages: Array<{ id: string; title: string; gate: GateResult | null }>;
  /**
   * Asks the session's LLM chain for a zod-validated object; the call is recorded in the
   * session's usage like any other.
   */
  generate<T>(
    schema: z.ZodType<T>,
    request: Omit<LlmRequest, 'schema'> & { purpose: string },
  ): Promise<T>;
}

/** A workflow: stages in order, defined as data. */
export interface Workflow {
  id: string;
  /** Sessions keep the version they started with; register old versions to keep serving them. */
  version: string;
  title: string;
  description: string;
  stages: Stage[];
  prompts?: WorkflowPrompts;
  /**
   * Runs once after the last stage, inside the last turn; its value is the session `result`.
   * A string `outcome` in it (a few words, such as U-AIP's decision) is what session lists show
   * for the completed session.
   */
  finish?: (context: FinishContext) => Promise<unknown>;
  /** The report of a completed session, when the workflow has one. */
  report?: WorkflowReport;
  /**
   * When a completed session calls for a committee review (U-AIP: when the decision is
   * "Submit to committee" or "Halt"): only then can its owner request one, and a revision
   * after which it no longer does closes an open review. Absent: any completed session may
   * be reviewed.
   */
  reviewRequired?: (session: Session) => boolean;
}
