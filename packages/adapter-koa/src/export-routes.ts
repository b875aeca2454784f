import {
  MAX_SESSION_EXPORT_BYTES,
  type Orchestrator,
  SESSION_EXPORT_FORMAT,
  SESSION_EXPORT_VERSIONS,
  sessionExportSchema,
} from '@uaip/core';
import { z } from 'zod';
import { sessionSchema } from './response-schemas';
import { principalOf, type RouteSpec, rawBodyOf, sessionIdOf } from './route-spec';

/**
 * The most an import request may weigh. The document itself is limited to
 * `MAX_SESSION_EXPORT_BYTES` as compact JSON (the core checks it); the request may be twice
 * that so that an export someone indented in an editor still fits.
 */
export const IMPORT_BODY_LIMIT_BYTES = 2 * MAX_SESSION_EXPORT_BYTES;

/**
 * What the import route documents as its body: an export document of a version this server
 * reads (`sessionExportSchema` describes version 1 whole, and docs/schemas publishes it). The
 * core reads the rest itself, so that an unknown version is refused as such, not field by field.
 */
const importBody = z
  .looseObject({
    format: z.enum([SESSION_EXPORT_FORMAT]),
    version: z
      .number()
      .int()
      .min(Math.min(...SESSION_EXPORT_VERSIONS))
      .max(Math.max(...SESSION_EXPORT_VERSIONS)),
  })
  .meta({
    description:
      'A session export as `GET /sessions/{id}/export` returns it (`sessionExportSchema`; JSON Schema in docs/schemas/session-export-v1.json). At most 5 MB as compact JSON.',
  });

/** A session as one versioned document, and such a document stored as a new session. */
export function exportRoutes(orchestrator: Orchestrator): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/sessions/:id/export',
      operationId: 'exportSession',
      summary:
        'The session as one versioned JSON document (answers, scores, artifacts, gates, usage, history), as a download; anyone who may read it',
      auth: true,
      responses: {
        200: { description: 'The session export (an attachment)', schema: sessionExportSchema },
      },
      errors: ['not_found'],
      async handle(ctx) {
        const document = await orchestrator.exportSession(principalOf(ctx), sessionIdOf(ctx));
        // Koa's attachment writes both filename forms (ASCII and RFC 5987) and sets the type.
        ctx.attachment(exportFileName(document.session.title));
        ctx.body = document;
      },
    },
    {
      method: 'post',
      path: '/sessions/import',
      operationId: 'importSession',
      summary:
        "Store a session export as a new session of the caller's (new ids; the review is not imported)",
      auth: true,
      // Counted before the body (up to 10 MB) is read: an import writes up to 5 MB of rows.
      importsSession: true,
      body: importBody,
      bodyLimitBytes: IMPORT_BODY_LIMIT_BYTES,
      responses: { 201: { description: 'The imported session', schema: sessionSchema } },
      errors: ['validation_failed', 'payload_too_large'],
      async handle(ctx) {
        // The core reads the document itself: the version first, then its schema, with paths.
        const session = await orchestrator.importSession(principalOf(ctx), rawBodyOf(ctx));
        ctx.status = 201;
        ctx.body = session;
      },
    },
  ];
}

/** `Reduce churn!` → `reduce-churn-session.json`; `Réduire les délais` → `reduire-les-delais-session.json`. */
export function exportFileName(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    // NFKD splits `é` into `e` and a combining mark; the mark goes, the letter stays.
    .replace(/\p{M}+/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'uaip'}-session.json`;
}
