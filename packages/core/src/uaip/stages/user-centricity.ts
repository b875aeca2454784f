import { defineStage } from '../../index';
import { userContextGate } from '../rules/gates';
import { enforceInterpretability } from '../rules/interpretability-rule';
import { userContextExtractSchema } from '../schemas/user-context';
import { gapText, problemOf } from './context';

/** Stage 4: the people who will use the predictions. */
export const userCentricity = defineStage({
  id: 'user-centricity',
  title: 'User Centricity',
  description: 'Personas, their journey around the prediction, interpretability and feedback',
  topics: [
    {
      id: 'personas',
      question:
        'Who will use the predictions? For each kind of user: their role, goals, pain points, proficiency (novice, intermediate or expert), how often they would use it, what they may decide on their own, and what research (interviews, observation, data) you have about them.',
      criteria:
        'each persona with role, goals, pain points, proficiency, frequency, decision authority and evidence',
    },
    {
      id: 'journey',
      question: (context) => {
        const target = problemOf(context)?.targetOutput.name;
        return `Walk through a user's work before, during and after they see a prediction${target ? ` of "${target}"` : ''}. Where do they decide, and where could things go wrong?`;
      },
      criteria:
        'touchpoints, decision points and risk areas before, during and after the prediction',
    },
    {
      id: 'interpretability',
      question:
        "How critical are the decisions made with these predictions: do they affect anyone's access to credit, a job, health care, housing or education, their legal position or their safety? Which regulations apply? What explanations will users need: of how the model works overall, of each single prediction, or both? Who needs them?",
      criteria:
        'the criticality and what the decisions affect for people, the regulations, the kind of explanation needed and its audience',
    },
    {
      id: 'feedback',
      question:
        'How will users tell you a prediction was wrong or unhelpful, and what should trigger retraining the model?',
      criteria: 'how feedback is collected and what triggers retraining',
    },
  ],
  artifact: userContextExtractSchema,
  derive: (extract) => enforceInterpretability(extract),
  gate: userContextGate,
  gapQuestion: (missing) => gapText('User Centricity', missing),
});
