import type { Page, PageRequest } from '@uaip/core';
import { UaipError } from '@uaip/core';

/** Where a page of sessions ends: the sort key of its last session. */
export interface CursorKey {
  createdAt: string;
  id: string;
}

/**
 * Where a list of sessions starts for `page`: after the cursor's key, or at the top (null).
 * `validation_failed` for a limit that is not a whole number from 1 to 100, or a garbled cursor.
 */
export function pageStart(page: PageRequest): CursorKey | null {
  // A zero limit would return an empty "last" page and hide every session.
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > 100) {
    throw new UaipError('validation_failed', 'Invalid page limit');
  }
  return page.cursor ? decodeCursor(page.cursor) : null;
}

/**
 * The page of `rows` a list query fetched with `limit + 1`: one row more than asked says
 * whether a next page exists.
 */
export function pageOf<Row, Item extends CursorKey>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
): Page<Item> {
  return pageOfBy(rows, limit, toItem, toItem);
}

/**
 * {@link pageOf} for a list whose order is not its items' `createdAt` (reviews, by request
 * time): the cursor is `keyOf` the page's last row.
 */
export function pageOfBy<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  keyOf: (row: Row) => CursorKey,
): Page<Item> {
  const chosen = rows.slice(0, limit);
  const last = chosen.at(-1);
  const nextCursor = last !== undefined && rows.length > limit ? encodeCursor(keyOf(last)) : null;
  return { items: chosen.map(toItem), nextCursor };
}

/** An opaque cursor: base64url of the key's JSON, like the memory storage's. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ createdAt: key.createdAt, id: key.id })).toString(
    'base64url',
  );
}

/** The key in a cursor, its time normalised for SQL; `validation_failed` when garbled. */
export function decodeCursor(cursor: string): CursorKey {
  const key = parseCursor(cursor);
  if (!key) throw new UaipError('validation_failed', 'Invalid cursor');
  return key;
}

function parseCursor(cursor: string): CursorKey | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(cursor, 'base64url'));
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { createdAt, id } = value as Partial<Record<keyof CursorKey, unknown>>;
    if (typeof createdAt !== 'string' || typeof id !== 'string') return null;
    // Through Date so PostgreSQL only ever sees a well-formed time: toISOString throws on an
    // invalid one, and years past 9999 (a six-digit form) are refused too.
    const time = new Date(createdAt).toISOString();
    return /^\d{4}-/.test(time) ? { createdAt: time, id } : null;
  } catch {
    return null;
  }
}
