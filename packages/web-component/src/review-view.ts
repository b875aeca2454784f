import { css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { Review, Reviewer, ReviewRound, Session } from './api-types';
import type { ReviewPanel } from './review-panel';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const when = (at: string) => dateFormat.format(new Date(at));

/** A reviewer as the review names them: their name and email, or what the server has. */
const who = (reviewer: Reviewer | undefined) =>
  !reviewer
    ? 'a reviewer'
    : reviewer.name && reviewer.email
      ? `${reviewer.name} (${reviewer.email})`
      : (reviewer.email ?? reviewer.name ?? reviewer.userId);

/** Where a round stands, in a sentence. */
function standing(round: ReviewRound): string {
  const decider = round.reviewers.find((reviewer) => reviewer.userId === round.decidedBy);
  if (round.status === 'open')
    return `open: ${round.approvals} of ${round.approvalsRequired} approvals needed, ${round.rejections} rejected so far.`;
  if (round.status === 'closed')
    return round.closedReason === 'replaced'
      ? 'closed: a new round was requested.'
      : 'closed without an outcome: the session was revised and no longer calls for a committee review.';
  return `${round.status} on ${when(round.decidedAt!)}, decided by ${who(decider)}.`;
}

/** What the earlier rounds say: reopened after a revision, or how many there were. */
function history(review: Review) {
  const last = review.earlier.at(-1);
  if (!last) return nothing;
  const count = `${review.earlier.length} earlier ${review.earlier.length === 1 ? 'round' : 'rounds'}`;
  return html`<p class="muted">${
    review.current.round > 1 && last.closedReason === 'revised'
      ? `Reopened after a revision: round ${last.round} was about the session before it changed (${count}).`
      : `${count}.`
  }</p>`;
}

function stateView(review: Review) {
  const round = review.current;
  return html`
    <p class=${`review-state ${round.status}`}><strong>Round ${round.round}:</strong> ${standing(round)}</p>
    ${history(review)}
    ${
      !review.upToDate && round.status === 'open'
        ? html`<p class="notice warning">The session changed since this round began: it will be reopened for the new version.</p>`
        : nothing
    }
    <p>Decision under review: <strong>${round.outcome ?? '—'}</strong>. Requested ${when(round.requestedAt)}.</p>
    ${round.note ? html`<p class="note">Note to the reviewers: ${round.note}</p>` : nothing}
    <ul class="reviewers" part="list reviewers">${round.reviewers.map(
      (reviewer) => html`<li part="reviewer">
        <span class="who">${who(reviewer)}</span>
        <span class=${`vote ${reviewer.vote ?? 'none'}`}>${
          reviewer.vote === null
            ? 'Not voted yet'
            : `${reviewer.vote === 'approve' ? 'Approved' : 'Rejected'} ${when(reviewer.votedAt!)}`
        }</span>
        ${reviewer.comment ? html`<q class="comment">${reviewer.comment}</q>` : nothing}
      </li>`,
    )}</ul>`;
}

/** A reviewer's vote: the required comment, "Approve" and "Reject". */
function voteForm(panel: ReviewPanel, round: ReviewRound) {
  const invalid = panel.voteProblem !== '';
  return html`<form class="vote" part="vote-form" @submit=${(event: Event) => event.preventDefault()}>
    <label for="review-comment">Your comment</label>
    <p id="review-comment-hint" class="hint">You are a reviewer of round ${round.round}. Say why you
      approve or reject "${round.outcome ?? 'the decision'}": required, and read by everyone who can
      read the session. A vote is final.</p>
    <textarea id="review-comment" part="textarea" maxlength="2000" required rows="3"
      aria-describedby=${invalid ? 'review-comment-hint review-vote-problem' : 'review-comment-hint'}
      aria-invalid=${invalid ? 'true' : 'false'} .value=${live(panel.comment)}
      @input=${(event: Event) => panel.write((event.target as HTMLTextAreaElement).value)}></textarea>
    ${invalid ? html`<p id="review-vote-problem" class="error" part="error" role="alert">${panel.voteProblem}</p>` : nothing}
    <div class="actions">
      <button type="button" part="button approve-button" ?disabled=${panel.voting !== null}
        @click=${() => void panel.vote('approve')}>Approve</button>
      <button type="button" class="danger" part="button reject-button" ?disabled=${panel.voting !== null}
        @click=${() => void panel.vote('reject')}>Reject</button>
    </div>
  </form>`;
}

/** The owner's request dialog (drawn while open). */
function requestDialog(panel: ReviewPanel, session: Session) {
  const rows = panel.emails;
  return html`<dialog class="review" part="review-dialog" aria-labelledby="review-dialog-heading"
    aria-describedby="review-dialog-hint" @close=${() => panel.closed()}>${
      panel.open
        ? html`
      <h2 id="review-dialog-heading">Request a committee review of "${session.title}"</h2>
      <p id="review-dialog-hint" class="hint">Reviewers read the session and its charter, then approve
        or reject it with a comment. Those it is not shared with become viewers.</p>
      <form part="form" novalidate @submit=${(event: Event) => {
        event.preventDefault();
        void panel.request();
      }}>
        <fieldset>
          <legend>Reviewers, by their account's email</legend>
          ${rows.map((email, index) => {
            const problem = panel.rowProblems[index];
            const id = `review-email-${index}`;
            return html`<div class="row">
              <label for=${id}>Reviewer ${index + 1}</label>
              <div class="line">
                <input id=${id} type="email" part="input" autocomplete="off"
                  aria-invalid=${problem ? 'true' : 'false'}
                  aria-describedby=${problem ? `${id}-problem` : nothing}
                  .value=${live(email)} @input=${(event: Event) =>
                    panel.input(index, (event.target as HTMLInputElement).value)}>
                ${
                  rows.length > 1
                    ? html`<button type="button" class="secondary" part="button"
                        @click=${() => panel.removeRow(index)}>Remove<span class="visually-hidden"> reviewer ${index + 1}</span></button>`
                    : nothing
                }
              </div>
              ${problem ? html`<p id=${`${id}-problem`} class="error">${problem}</p>` : nothing}
            </div>`;
          })}
          <button type="button" class="secondary" part="button" @click=${() => panel.addRow()}>Add another reviewer</button>
        </fieldset>
        <label for="review-approvals">Approvals required</label>
        <p id="review-approvals-hint" class="hint">Leave empty for every reviewer. It is rejected once that many approvals can no longer come.</p>
        <input id="review-approvals" type="number" part="input" min="1" max=${rows.length}
          inputmode="numeric" aria-describedby="review-approvals-hint" .value=${live(panel.approvals)}
          @input=${(event: Event) => {
            panel.approvals = (event.target as HTMLInputElement).value;
          }}>
        <label for="review-note">Note to the reviewers (optional)</label>
        <textarea id="review-note" part="textarea" maxlength="2000" rows="2" .value=${live(panel.note)}
          @input=${(event: Event) => {
            panel.note = (event.target as HTMLTextAreaElement).value;
          }}></textarea>
        ${
          // The form is novalidate: every problem is said here, in words, not in a browser bubble.
          panel.problem
            ? html`<p class="error" part="error" role="alert">${panel.problem}</p>`
            : nothing
        }
        <div class="actions">
          <button type="submit" part="button" ?disabled=${panel.busy}>Request review</button>
          <button type="button" class="secondary" part="button" @click=${() => panel.close()}>Cancel</button>
        </div>
      </form>`
        : nothing
    }</dialog>`;
}

/**
 * "Committee review" beside the charter: the state of the review (see {@link stateView}), the
 * owner's "Request committee review", a reviewer's vote, and what the last action did.
 */
export function reviewView(panel: ReviewPanel, session: Session) {
  const { review } = panel.review;
  const access = panel.access;
  const owner = access?.role === 'owner';
  const round = review?.current;
  const canAsk =
    owner && (panel.review.callsForCommittee || (!!round && round.status !== 'closed'));
  const mine = round?.reviewers.find((reviewer) => reviewer.userId === access?.me?.id);
  return html`<section class="review" part="review" aria-labelledby="review-heading">
    <h3 id="review-heading" tabindex="-1">Committee review</h3>
    ${
      review
        ? stateView(review)
        : html`<p>This decision calls for the AI ethics committee: ask reviewers to approve or reject it.</p>`
    }
    ${round?.status === 'open' && mine && mine.vote === null ? voteForm(panel, round) : nothing}
    ${
      canAsk
        ? html`<button type="button" class="secondary review-open" part="button review-button"
            aria-haspopup="dialog" @click=${() => void panel.show()}>${
              review ? 'Request a new review round' : 'Request committee review'
            }</button>`
        : nothing
    }
    <p class="status" role="status">${panel.status}</p>
    ${owner ? requestDialog(panel, session) : nothing}
  </section>`;
}

/** @internal Styles of the review UI, adopted by the host's shadow root when it loads. */
export const reviewStyles = css`
  section.review {
    margin: 1em 0;
    padding: 0.25em 1em 0.75em;
    border: 1px solid var(--uaip-border, #8c959f);
    border-radius: var(--uaip-radius, 6px);
  }
  .review-state.approved strong {
    color: var(--uaip-success, #1a7f37);
  }
  .review-state.rejected strong {
    color: var(--uaip-danger, #b00020);
  }
  .reviewers {
    list-style: none;
    padding: 0;
  }
  .reviewers li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25em 0.75em;
    padding: 0.4em 0;
    border-bottom: 1px solid var(--uaip-border, #8c959f);
  }
  .reviewers .who {
    flex: 1 1 12em;
    overflow-wrap: anywhere;
  }
  .reviewers .comment {
    flex-basis: 100%;
    overflow-wrap: anywhere;
  }
  .vote.approve {
    color: var(--uaip-success, #1a7f37);
  }
  .vote.reject {
    color: var(--uaip-danger, #b00020);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    margin-top: 0.5em;
  }
  fieldset {
    border: 0;
    padding: 0;
    margin: 0 0 0.75em;
  }
  legend {
    padding: 0;
    font-weight: 600;
  }
  .row,
  fieldset > button {
    margin-bottom: 0.5em;
  }
  .row .line {
    display: flex;
    gap: 0.5em;
  }
  .row input {
    flex: 1 1 auto;
    min-width: 0;
  }
  #review-approvals {
    width: 6em;
  }
`;
