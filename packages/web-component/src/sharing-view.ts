import { css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { MemberRole, Session, SessionRole } from './api-types';
import type { SessionAccess } from './session-access';
import { article, memberKey, memberLabel, type ShareDialog } from './share-dialog';

/** What a member may do, in their own words. */
const MEMBER_CAN: Record<MemberRole, string> = {
  viewer: 'you can read it, its answers and its charter, but not answer or edit',
  editor: 'you can answer and edit answers; only its owner shares or deletes it',
};

/** `text` ending with a full stop. */
export const sentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/** What to say about a 403 (`said`) once the person's role was read again. */
export function accessChanged(role: SessionRole | null, said: string): string {
  const refused = `Not recorded: ${sentence(said)}`;
  if (role !== 'viewer' && role !== 'editor') return refused;
  return `${refused} Your access changed meanwhile: you are now ${article(role)}, so ${MEMBER_CAN[role]}.`;
}

/**
 * Under the title: "Share" and how many people see the session (its owner), or "Shared with
 * you as a viewer …" and "Leave" (a member). Nothing while the role is unknown, or when the
 * server does not know sharing.
 */
export function sharingBar(
  access: SessionAccess,
  session: Session,
  on: { share(): void; leave(): void },
) {
  const state = access.state;
  if (!state?.sharing) return nothing;
  if (state.role === 'owner') {
    const count = state.members.length;
    return html`<div class="sharing" part="sharing">
      <button type="button" class="secondary share-open" part="button share-button"
        aria-haspopup="dialog" @click=${on.share}>Share</button>
      <span class="muted">${count === 0 ? 'Only you can see it.' : `Shared with ${count} ${count === 1 ? 'person' : 'people'}.`}</span>
    </div>`;
  }
  return html`<div class="sharing" part="shared-note">
    <p>Shared with you as ${article(state.role)}: ${MEMBER_CAN[state.role]}.</p>
    <button type="button" class="secondary leave-open" part="button leave-button"
      ?disabled=${access.leaving !== null} @click=${() => access.askToLeave()}>Leave</button>
    ${
      access.leaving
        ? html`<p class="confirm" part="confirm" role="alertdialog" aria-labelledby="leave-question">
            <span id="leave-question">Leave "${session.title}"? It leaves your list until its owner shares it again.</span>
            <button type="button" class="danger" part="button" ?disabled=${access.leaving === 'busy'}
              @click=${on.leave}>Leave for good</button>
            <button type="button" class="secondary" part="button"
              @click=${() => access.askToLeave(false)}>Stay</button>
          </p>`
        : nothing
    }
    ${access.problem ? html`<p class="error" part="error" role="alert">${access.problem}</p>` : nothing}
  </div>`;
}

/** The owner's "Share" dialog (drawn while open; see {@link ShareDialog}). */
export function shareDialogView(dialog: ShareDialog, session: Session, access: SessionAccess) {
  const state = access.state;
  const roleOptions = html`<option value="viewer">Viewer</option><option value="editor">Editor</option>`;
  return html`<dialog class="share" part="share-dialog" aria-labelledby="share-heading"
    aria-describedby="share-hint" @close=${() => dialog.closed()}>${
      dialog.open
        ? html`
      <h2 id="share-heading">Share "${session.title}"</h2>
      <p id="share-hint" class="hint">Viewers read the session, its answers and its charter;
        editors can also answer and edit answers. Only you can share or delete it.</p>
      <form class="add" part="form" @submit=${(event: Event) => {
        event.preventDefault();
        void dialog.add();
      }}>
        <div class="email">
          <label for="share-email">Email</label>
          <input id="share-email" type="email" part="input" autocomplete="off" required
            .value=${live(dialog.email)}
            @input=${(event: Event) => dialog.input((event.target as HTMLInputElement).value)}>
        </div>
        <div>
          <label for="share-role">Role</label>
          <select id="share-role" part="select" .value=${live(dialog.role)}
            @change=${(event: Event) => {
              dialog.role = (event.target as HTMLSelectElement).value as MemberRole;
            }}>${roleOptions}</select>
        </div>
        <button type="submit" part="button" ?disabled=${dialog.busy}>Add</button>
      </form>
      ${dialog.problem ? html`<p class="error" part="error" role="alert">${dialog.problem}</p>` : nothing}
      <p class="status" role="status">${dialog.status}</p>
      <h3>Who has access</h3>
      <ul class="members" part="list">
        <li><span class="who">${state?.me?.name ?? state?.me?.email ?? 'You'} <span class="muted">(you)</span></span>
          <span class="muted owner">owner</span></li>
        ${(state?.members ?? []).map(
          (member) => html`<li part="member">
          <span class="who">${memberLabel(member)}</span>
          <select part="select" aria-label=${`Role of ${memberKey(member)}`} ?disabled=${dialog.busy}
            .value=${live(member.role)} @change=${(event: Event) =>
              void dialog.changeRole(
                member,
                (event.target as HTMLSelectElement).value as MemberRole,
              )}>${roleOptions}</select>
          <button type="button" class="secondary" part="button remove-button"
            data-remove=${member.userId} ?disabled=${dialog.busy}
            @click=${() => dialog.askToRemove(member)}>Remove<span class="visually-hidden"> ${memberKey(member)}</span></button>
          ${
            dialog.confirming === member.userId
              ? html`<p class="confirm" part="confirm" role="alertdialog" aria-labelledby="remove-question">
                  <span id="remove-question">Remove ${memberLabel(member)}'s access to this session?</span>
                  <button type="button" class="danger" part="button" ?disabled=${dialog.busy}
                    @click=${() => void dialog.remove(member)}>Remove access</button>
                  <button type="button" class="secondary" part="button"
                    @click=${() => dialog.cancelRemove()}>Keep access</button>
                </p>`
              : nothing
          }
        </li>`,
        )}
      </ul>
      <button type="button" class="secondary close" part="button" @click=${() => dialog.close()}>Close</button>`
        : nothing
    }</dialog>`;
}

/** @internal Styles of {@link sharingBar} and {@link shareDialogView}. */
export const sharingStyles = css`
  /* Also the usage line with "Export session". */
  .sharing,
  .usage {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 0.75em;
    margin: 0 0 0.75em;
  }
  .sharing > p,
  .usage > p {
    margin: 0;
  }
  [part~='shared-note'] {
    padding: 0.4em 0.75em;
    border-left: 4px solid var(--uaip-accent, #3451b2);
    background: var(--uaip-accent-surface, #eef1fb);
  }
  /* Every dialog of the session (Share, Request committee review). */
  dialog {
    width: min(36rem, calc(100vw - 1rem));
    max-height: calc(100vh - 2rem);
    padding: 1em 1.25em;
    color: var(--uaip-text, inherit);
    background: var(--uaip-surface, #fff);
    border: 1px solid var(--uaip-border, #8c959f);
    border-radius: var(--uaip-radius, 6px);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  dialog h2 {
    margin-top: 0;
    font-size: 1.3em;
    overflow-wrap: anywhere;
  }
  .add {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.5em;
    margin-top: 0.75em;
  }
  .add .email {
    flex: 1 1 14em;
  }
  /* The field, the select and the button one height, so their labels line up. */
  .add input,
  .add select {
    height: 2.625em;
  }
  .status:empty {
    display: none;
  }
  .members {
    list-style: none;
    padding: 0;
    margin: 0 0 1em;
  }
  .members li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 0.5em;
    padding: 0.4em 0;
    border-bottom: 1px solid var(--uaip-border, #8c959f);
  }
  .members .who {
    flex: 1 1 12em;
    overflow-wrap: anywhere;
  }
  .members .owner {
    padding: 0 0.5em;
  }
`;
