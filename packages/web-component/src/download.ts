import type { UaipClient } from './api-client';
import type { CharterFormat } from './api-types';

const EXTENSIONS: Record<CharterFormat, string> = { md: 'md', json: 'json', html: 'html' };

/**
 * A file name from a session title and what the file holds, as the server names its
 * attachments: `Reduce churn!`, `charter.md` → `reduce-churn-charter.md`. Accents go (NFKD
 * splits them off as combining marks, which are dropped): `Réduire` → `reduire`.
 */
export function titleFileName(title: string, suffix: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'uaip'}-${suffix}`;
}

/** A file name from a session title: `Reduce churn!` → `reduce-churn-charter.md`. */
export function charterFileName(title: string, format: CharterFormat): string {
  return titleFileName(title, `charter.${EXTENSIONS[format]}`);
}

/** Hands a Blob to the browser as a download named `name` (through a Blob URL). */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // Revoking at once can cancel the download in some browsers; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Downloads the charter: fetched with the token (a plain link could not send it), handed to
 * the browser as a Blob URL.
 */
export async function downloadCharter(
  client: UaipClient,
  session: { id: string; title: string },
  format: CharterFormat,
): Promise<void> {
  saveFile(await client.charter(session.id, format), charterFileName(session.title, format));
}

/** Downloads the session export (`GET /sessions/:id/export`) as `<title>-session.json`. */
export async function downloadExport(
  client: UaipClient,
  session: { id: string; title: string },
): Promise<void> {
  saveFile(await client.exportSession(session.id), titleFileName(session.title, 'session.json'));
}

/** A fresh `Idempotency-Key`. */
export function newIdempotencyKey(): string {
  // randomUUID needs a secure context; getRandomValues works on plain http too.
  if (window.isSecureContext) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
}
