import { UaipQuestion } from './uaip-question';

export type { AnswerEventDetail, PendingQuestion } from './uaip-question';
export { MAX_ANSWER_LENGTH, UaipQuestion } from './uaip-question';

// Importing the package registers the elements (this is its one side effect); a second copy
// on the page must not throw.
if (!customElements.get('uaip-question')) customElements.define('uaip-question', UaipQuestion);
