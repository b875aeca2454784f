import { UaipError } from '@uaip/core';
import { describe, expect, it } from 'vitest';
import { isUnavailable, toInputError, toStorageError } from './errors';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('database errors as callers see them', () => {
  it('calls connection trouble storage_unavailable, with a retry hint and no SQL', () => {
    const troubles = [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('sorry, too many clients already', '53300'),
      withCode('canceling statement due to statement timeout', '57014'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
    ];
    for (const trouble of troubles) {
      expect(isUnavailable(trouble), String(trouble)).toBe(true);
      const mapped = toStorageError(trouble) as UaipError;
      expect(mapped).toMatchObject({ code: 'storage_unavailable', retryAfterMs: 1000 });
      expect(mapped.cause).toBe(trouble);
    }
  });

  it('leaves other database errors as they are', () => {
    const others = [
      withCode('duplicate key value violates unique constraint "x"', '23505'),
      withCode('syntax error at or near "selec"', '42601'),
      new TypeError('not a database problem'),
    ];
    for (const other of others) {
      expect(isUnavailable(other)).toBe(false);
      expect(toStorageError(other)).toBe(other);
    }
    const already = new UaipError('conflict', 'Email already registered');
    expect(toStorageError(already)).toBe(already);
  });

  it('calls text PostgreSQL cannot store validation_failed', () => {
    const nul = withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021');
    expect(toInputError(nul)).toMatchObject({ code: 'validation_failed' });
    const jsonNul = withCode('unsupported Unicode escape sequence', '22P05');
    expect(toInputError(jsonNul)).toMatchObject({ code: 'validation_failed' });
  });
});
