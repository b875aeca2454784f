import type { Session, SessionHistory, User } from './api-types';
import { error, json } from './fake-data.test-support';
import type { FakeTurn } from './fake-revisions.test-support';

// Exporting and importing sessions, for the fake server (fake-api.test-support.ts), following
// the core's rules (packages/core/src/export): anyone who may read a session exports it as one
// versioned document (a stranger gets 404 from the router); an import past 5 MB of compact JSON
// is a 413, another format, another version (naming the one read) or a document that does not
// fit is a 400 validation_failed with the paths, and a valid one becomes a new session of the
// caller's, with new ids.

/** What export and import need of the fake server. */
export interface ExportContext {
  sessions: Map<string, Session>;
  transcripts: Map<string, FakeTurn[]>;
  history(session: Session): SessionHistory;
  next(prefix: string): string;
  /** The stages the fake runs: an import of another workflow is refused. */
  stageIds: readonly string[];
}

/** The most a session export may weigh as compact JSON, as the core says it. */
export const MAX_EXPORT_BYTES = 5 * 1024 * 1024;
const MAX_DETAILS = 20;

type Detail = { path: string; message: string };
const invalid = (message: string, details: Detail[]) =>
  json(400, {
    error: {
      code: 'validation_failed',
      message,
      requestId: 'req-fake',
      details: details.slice(0, MAX_DETAILS),
    },
  });

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What the fake's schema refuses in a version 1 document, with the paths. */
function problems(document: Record<string, unknown>): Detail[] {
  const found: Detail[] = [];
  if (typeof document.exportedAt !== 'string')
    found.push({ path: 'exportedAt', message: 'Expected an ISO date-time' });
  const session = document.session;
  if (!isObject(session)) found.push({ path: 'session', message: 'Expected an object' });
  else {
    for (const field of ['id', 'title', 'idea', 'workflowId', 'workflowVersion', 'status'])
      if (typeof session[field] !== 'string' || session[field] === '')
        found.push({ path: `session.${field}`, message: 'Expected a non-empty string' });
    if (!Array.isArray(session.stages))
      found.push({ path: 'session.stages', message: 'Expected an array' });
  }
  for (const list of ['turns', 'history', 'usage'])
    if (!Array.isArray(document[list])) found.push({ path: list, message: 'Expected an array' });
  if (Array.isArray(document.turns))
    document.turns.forEach((turn: unknown, index) => {
      if (!isObject(turn) || typeof turn.answer !== 'string')
        found.push({ path: `turns.${index}.answer`, message: 'Expected a string' });
    });
  return found;
}

export function createFakeExport(context: ExportContext) {
  /** `GET /sessions/:id/export` (the router checked the caller may read it). */
  function exportSession(session: Session): Response {
    const { ownerId: _owner, ...rest } = structuredClone(session) as Session & {
      ownerId?: string;
    };
    const document = {
      format: 'uaip.session',
      version: 1,
      exportedAt: new Date().toISOString(),
      session: rest,
      turns: structuredClone(context.transcripts.get(session.id) ?? []),
      history: context.history(session).artifacts,
      usage: [],
    };
    const slug = session.title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    return json(200, document, {
      'content-disposition': `attachment; filename="${slug.replace(/^-+|-+$/g, '') || 'uaip'}-session.json"`,
    });
  }

  /** `POST /sessions/import`: a new session of `user`'s, or why not. */
  function importSession(user: User, document: unknown): Response {
    if (new TextEncoder().encode(JSON.stringify(document)).length > MAX_EXPORT_BYTES)
      return error(413, 'payload_too_large', 'A session export is limited to 5 MB');
    if (!isObject(document) || document.format !== 'uaip.session')
      return invalid('This is not a uaip session export', [
        { path: 'format', message: 'Must be "uaip.session"' },
      ]);
    if (document.version !== 1)
      return invalid(
        `Unknown session export version ${JSON.stringify(document.version ?? null)}: this server reads version 1`,
        [{ path: 'version', message: 'Supported versions: 1' }],
      );
    const found = problems(document);
    if (found.length > 0) return invalid('The session export is not valid', found);
    const old = document.session as Session;
    if (old.workflowId !== 'uaip' || old.workflowVersion !== '1')
      return invalid(
        `This server does not run workflow ${old.workflowId} version ${old.workflowVersion}`,
        [{ path: 'session.workflowVersion', message: 'Not served here' }],
      );
    const stageIds = old.stages.map((stage) => stage.id);
    if (stageIds.join() !== context.stageIds.join())
      return invalid('The session export does not fit its workflow', [
        { path: 'session.stages', message: 'Not the stages of the workflow' },
      ]);
    // Like the server, the copy keeps the exported session's times, so it sorts beside it.
    const session = { ...structuredClone(old), id: context.next('session'), ownerId: user.id };
    if (session.pendingQuestion)
      session.pendingQuestion = { ...session.pendingQuestion, id: context.next('q') };
    context.sessions.set(session.id, session);
    const ids = new Map<string, string>();
    const fresh = (id: string) => ids.get(id) ?? ids.set(id, context.next('turn')).get(id)!;
    context.transcripts.set(
      session.id,
      (document.turns as FakeTurn[]).map((turn) => ({
        ...turn,
        id: fresh(turn.id),
        revisesTurnId: turn.revisesTurnId ? fresh(turn.revisesTurnId) : null,
      })),
    );
    return json(201, structuredClone(session));
  }

  return { exportSession, importSession };
}
