import { UaipError } from '../errors';
import type { MemberPut } from './types';

/**
 * What `putMember` refuses before it looks at the session, as `validation_failed`: the owner
 * as a member of their own session, and a role other than `viewer` or `editor` (which typed
 * callers cannot pass). Judged from the arguments alone, so it tells a stranger nothing.
 */
export function checkMemberPut(ownerId: string, member: MemberPut): void {
  if (member.userId === ownerId) {
    throw new UaipError('validation_failed', 'The owner cannot be a member of their own session');
  }
  if (member.role !== 'viewer' && member.role !== 'editor') {
    throw new UaipError('validation_failed', 'Invalid member role');
  }
}
