import type { UaipClient } from './api-client';
import type { UaipApiError } from './api-error';
import type { Session } from './api-types';

// A chunk imported on demand by <uaip-session-list> when a file is picked: it imports nothing
// of the main bundle (only types), so it stays one file rather than splitting what the main
// bundle shares with it into another.

/** The most a session export may weigh as compact JSON (the server's limit), in bytes. */
export const MAX_EXPORT_BYTES = 5 * 1024 * 1024;
/**
 * The most a file may weigh before it is read: the server takes twice the limit, so that an
 * export someone indented in an editor still fits once sent compact.
 */
const MAX_FILE_BYTES = 2 * MAX_EXPORT_BYTES;
/** The server's 413 for a document past the limit, word for word. */
export const TOO_LARGE = 'A session export is limited to 5 MB';
/** How many of a refusal's paths are shown. */
const SHOWN_DETAILS = 3;

/** `text` ending with a full stop. */
const sentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/**
 * What to say about the server's refusal of a document (400 with the paths it is about, 413);
 * null for any other error, which the element words as usual.
 */
export function refusal(error: unknown): string | null {
  const { status, code, message, details } = error as Partial<UaipApiError>;
  if (status === 413) return sentence(message || TOO_LARGE);
  if (code !== 'validation_failed' || !message) return null;
  const list = details ?? [];
  const shown = list
    .slice(0, SHOWN_DETAILS)
    .map((detail) => `${detail.path || '(the document)'}: ${detail.message}`);
  const more = list.length - shown.length;
  if (more > 0) shown.push(`and ${more} more`);
  return shown.length > 0
    ? `${sentence(message)} ${sentence(shown.join('; '))}`
    : sentence(message);
}

/**
 * Reads a picked file as a session export and sends it (`POST /sessions/import`): the new
 * session, or what to tell the person. A file too large, unreadable or not JSON is refused
 * here, without a request; an error of the request goes to `report` (the element's
 * `uaip-error`), which words it unless it is a refusal of the document.
 */
export async function importFile(
  client: UaipClient,
  file: File,
  report: (error: unknown) => string,
): Promise<Session | string> {
  if (file.size > MAX_FILE_BYTES) return `${TOO_LARGE}.`;
  let text: string;
  try {
    text = await file.text();
  } catch {
    return `"${file.name}" could not be read. Nothing was sent.`;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return `"${file.name}" is not JSON, so it cannot be a session export: choose a file saved with "Export session". Nothing was sent.`;
  }
  if (new TextEncoder().encode(JSON.stringify(document)).length > MAX_EXPORT_BYTES)
    return `${TOO_LARGE}.`;
  try {
    return await client.importSession(document);
  } catch (error) {
    const said = report(error);
    return refusal(error) ?? said;
  }
}
