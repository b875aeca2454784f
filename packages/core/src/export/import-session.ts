import type { Principal } from '../auth/types';
import { type ErrorDetail, UaipError } from '../errors';
import type { AgentRegistry } from '../orchestrator/agent-registry';
import type {
  HistoryRecord,
  LlmCallRecord,
  PendingQuestionRecord,
  SessionRecord,
  Storage,
  TurnRecord,
  UsageTotals,
} from '../storage/types';
import { addToTotals } from '../storage/usage-totals';
import { artifactProblems, reportProblem } from './artifact-check';
import { unstorableJson } from './json-shape';
import {
  MAX_SESSION_EXPORT_BYTES,
  SESSION_EXPORT_FORMAT,
  SESSION_EXPORT_VERSIONS,
  type SessionExport,
  sessionExportSchema,
} from './schema';
import { checkAgainstWorkflow } from './workflow-check';

/** What an import needs besides the document. */
export interface ImportDeps {
  storage: Storage;
  registry: AgentRegistry;
  newId: () => string;
}

const MAX_DETAILS = 20;

// Paths and messages may quote the document: a few hundred characters of each say enough.
const MAX_DETAIL_CHARS = 300;

function invalid(message: string, details: ErrorDetail[]): UaipError {
  const cut = (text: string) =>
    text.length <= MAX_DETAIL_CHARS ? text : `${text.slice(0, MAX_DETAIL_CHARS)}…`;
  return new UaipError('validation_failed', message, {
    details: details
      .slice(0, MAX_DETAILS)
      .map((detail) => ({ ...detail, path: cut(detail.path), message: cut(detail.message) })),
  });
}

/**
 * The document as a version 1 export, or why not: `payload_too_large` past
 * `MAX_SESSION_EXPORT_BYTES`; `validation_failed` for another format, a version this package
 * does not read (naming those it does), or a document its schema refuses (with the paths).
 */
export function readSessionExport(document: unknown): SessionExport {
  const unstorable = unstorableJson(document);
  if (unstorable) throw invalid('The session export is not valid', [unstorable]);
  let serialized: string | undefined;
  try {
    serialized = JSON.stringify(document);
  } catch {
    serialized = undefined; // a BigInt, say, from a JavaScript caller
  }
  if (serialized === undefined) {
    throw invalid('A session export is a JSON object', [{ path: '', message: 'Not JSON' }]);
  }
  if (Buffer.byteLength(serialized) > MAX_SESSION_EXPORT_BYTES) {
    throw new UaipError(
      'payload_too_large',
      `A session export is limited to ${MAX_SESSION_EXPORT_BYTES / 1024 / 1024} MB`,
    );
  }
  const head = (typeof document === 'object' && document !== null ? document : {}) as Record<
    string,
    unknown
  >;
  if (head.format !== SESSION_EXPORT_FORMAT) {
    throw invalid('This is not a uaip session export', [
      { path: 'format', message: `Must be "${SESSION_EXPORT_FORMAT}"` },
    ]);
  }
  if (!(SESSION_EXPORT_VERSIONS as readonly unknown[]).includes(head.version)) {
    const known = SESSION_EXPORT_VERSIONS.join(', ');
    throw invalid(
      `Unknown session export version ${briefly(head.version)}: this server reads version ${known}`,
      [{ path: 'version', message: `Supported versions: ${known}` }],
    );
  }
  const parsed = sessionExportSchema.safeParse(document);
  if (!parsed.success) {
    throw invalid(
      'The session export is not valid',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}

/** A value for a message: short JSON, or its type when that would be long. */
function briefly(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  return json.length <= 40 ? json : `(a ${Array.isArray(value) ? 'list' : typeof value})`;
}

/** A fresh id for every distinct old one, the same one each time it is asked again. */
function remapper(fresh: () => string): (old: string) => string {
  const ids = new Map<string, string>();
  return (old) => {
    let id = ids.get(old);
    if (id === undefined) {
      id = fresh();
      ids.set(old, id);
    }
    return id;
  };
}

/**
 * Imports a session export as a new session of the principal: new ids for the session, its
 * turns, questions, revisions, kept versions and calls (every reference between them follows),
 * the principal as owner and as the actor of its revisions and versions, no lease. A revision
 * under way is restored as it was (it is plain data), so its question is the one pending. The
 * usage totals are summed again from the calls. The review, if any, is left out. Refused with
 * `validation_failed` when the workflow version is not served here or the document does not
 * fit it.
 */
export async function importSession(
  deps: ImportDeps,
  principal: Principal,
  input: unknown,
): Promise<SessionRecord> {
  const document = readSessionExport(input);
  const { session } = document;
  let workflow: ReturnType<AgentRegistry['resolve']>;
  try {
    workflow = deps.registry.resolve(session.workflowId, session.workflowVersion);
  } catch {
    throw invalid(
      `This server does not serve version ${session.workflowVersion} of workflow "${session.workflowId}"`,
      [{ path: 'session.workflowVersion', message: 'Not served here' }],
    );
  }
  const problems = [
    ...checkAgainstWorkflow(document, workflow),
    ...artifactProblems(document, workflow),
  ];
  if (problems.length > 0) throw invalid('The session export does not fit its workflow', problems);

  const owner = principal.userId;
  const sessionId = deps.newId();
  const turnId = remapper(deps.newId);
  const questionId = remapper(() => `q-${deps.newId()}`);
  const revisionId = remapper(deps.newId);
  const question = (pending: PendingQuestionRecord | null): PendingQuestionRecord | null =>
    pending && {
      ...pending,
      id: questionId(pending.id),
      ...(pending.revisesTurnId === undefined
        ? {}
        : { revisesTurnId: turnId(pending.revisesTurnId) }),
    };

  const turns: TurnRecord[] = document.turns.map((turn) => ({
    ...turn,
    id: turnId(turn.id),
    questionId: questionId(turn.questionId),
    revisesTurnId: turn.revisesTurnId === null ? null : turnId(turn.revisesTurnId),
  }));
  const history: HistoryRecord[] = document.history.map((entry) => ({
    ...entry,
    id: deps.newId(),
    sessionId,
    revisionId: entry.revisionId === null ? null : revisionId(entry.revisionId),
    actorId: owner,
  }));
  const usage: UsageTotals = {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
  };
  const calls: LlmCallRecord[] = document.usage.map((call) => {
    const record = { ...call, id: deps.newId(), sessionId };
    addToTotals(usage, record);
    return record;
  });
  const { revision } = session;
  const record: SessionRecord = {
    ...session,
    id: sessionId,
    ownerId: owner,
    pending: question(session.pending),
    usage,
    lease: null,
    revision: revision && {
      ...revision,
      id: revisionId(revision.id),
      turnId: turnId(revision.turnId),
      actorId: owner,
      resume: question(revision.resume),
    },
  };
  const unreportable = reportProblem(workflow, record, turns, calls);
  if (unreportable) throw invalid('The session export does not fit its workflow', [unreportable]);
  await deps.storage.importSession(record, { turns, history, calls });
  return record;
}
