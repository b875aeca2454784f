import type { UaipClient } from './api-client';
import type { CharterFormat } from './api-types';

const EXTENSIONS: Record<CharterFormat, string> = { md: 'md', json: 'json', html: 'html' };

/** A file name from a session title: `Reduce churn!` → `reduce-churn-charter.md`. */
export function charterFileName(title: string, format: CharterFormat): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'uaip'}-charter.${EXTENSIONS[format]}`;
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
  const blob = await client.charter(session.id, format);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = charterFileName(session.title, format);
  link.click();
  // Revoking at once can cancel the download in some browsers; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A fresh `Idempotency-Key`. */
export function newIdempotencyKey(): string {
  // randomUUID needs a secure context; getRandomValues works on plain http too.
  if (window.isSecureContext) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('');
}
