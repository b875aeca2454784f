import type { ReactiveControllerHost } from 'lit';
import type { UaipClient } from './api-client';
import type { Member, SessionRole, User } from './api-types';

/** What the signed-in person may do with the open session, and who else can see it. */
export interface Access {
  /** The person's role; `owner` also when the server does not know sharing. */
  role: SessionRole;
  ownerId: string | null;
  /** The signed-in person; null when `GET /auth/me` could not be read. */
  me: User | null;
  members: Member[];
  /** Whether the server has the sharing routes (`GET /sessions/:id/members` answered). */
  sharing: boolean;
}

/** Whether `role` may answer and revise. */
export const canWrite = (role: SessionRole | undefined) => role !== 'viewer';

/**
 * The signed-in person's role in the open session: the owner when `GET /sessions/:id/members`
 * names them as `ownerId`, else their role among the members. Read with the session (one
 * `GET /auth/me` per token, then the members), and again when a `sharing.changed` event or a
 * 403 says it changed.
 */
export class SessionAccess {
  /** The access as last read; null until read. */
  state: Access | null = null;
  /** `ask` while "Leave" waits for a confirmation, `busy` while leaving. */
  leaving: 'ask' | 'busy' | null = null;
  /** Why leaving failed. */
  problem = '';
  private me: { key: string; user: Promise<User | null> } | null = null;
  private reading = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: {
      client: () => UaipClient;
      /** Changes when the token or server does, so the person is read again. */
      key: () => string;
      /** Fires `uaip-error` and returns what to tell the person. */
      report: (error: unknown) => string;
    },
  ) {}

  /** Forgets the access (another session is opened). */
  reset() {
    Object.assign(this, { state: null, leaving: null, problem: '' });
    this.reading++;
  }

  /** "Leave" asks first. */
  askToLeave(ask = true) {
    this.leaving = ask ? 'ask' : null;
    this.host.requestUpdate();
  }

  /** Ends the person's own access (`DELETE /sessions/:id/members/<their id>`); true once done. */
  async leave(sessionId: string): Promise<boolean> {
    const me = this.state?.me;
    if (!me || this.leaving === 'busy') return false;
    this.leaving = 'busy';
    this.problem = '';
    this.host.requestUpdate();
    try {
      await this.options.client().unshare(sessionId, me.id);
      return true;
    } catch (error) {
      this.problem = this.options.report(error);
      return false;
    } finally {
      this.leaving = null;
      this.host.requestUpdate();
    }
  }

  /**
   * Reads the access to `sessionId`. Never rejects: when the members cannot be read the last
   * access read stays; on a first read (a server without the sharing routes, say) the person
   * gets the owner's controls without "Share", and the server still refuses what they may not
   * do. Resolves to null when another read started meanwhile.
   */
  async read(sessionId: string, signal?: AbortSignal): Promise<Access | null> {
    const reading = ++this.reading;
    const [me, answer] = await Promise.all([
      this.whoAmI(),
      this.options
        .client()
        .members(sessionId, signal ? { signal } : {})
        .catch(() => null),
    ]);
    if (reading !== this.reading || signal?.aborted) return null;
    let access: Access = this.state ?? {
      role: 'owner',
      ownerId: null,
      me,
      members: [],
      sharing: false,
    };
    if (answer && me) {
      const mine = answer.members.find((member) => member.userId === me.id);
      const role = answer.ownerId === me.id ? 'owner' : (mine?.role ?? 'viewer');
      access = { role, ownerId: answer.ownerId, me, members: answer.members, sharing: true };
    }
    this.state = access;
    this.host.requestUpdate();
    return access;
  }

  private whoAmI(): Promise<User | null> {
    const key = this.options.key();
    if (this.me?.key !== key) {
      const user = this.options
        .client()
        .me()
        .then(({ user }) => user)
        .catch(() => null);
      this.me = { key, user };
      // Not kept when it failed: the next read asks again.
      void user.then((found) => {
        if (!found && this.me?.user === user) this.me = null;
      });
    }
    return this.me.user;
  }
}
