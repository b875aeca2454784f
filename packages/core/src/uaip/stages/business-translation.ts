import { defineStage } from '../../index';
import { problemStatementGate } from '../rules/gates';
import { problemStatementSchema } from '../schemas/problem-statement';
import { gapText } from './context';

/** Stage 1: from a business idea to a well-posed ML problem. */
export const businessTranslation = defineStage({
  id: 'business-translation',
  title: 'Business Translation',
  description:
    'The business objective, why it needs machine learning, what goes in and comes out, and the scope',
  topics: [
    {
      id: 'objective',
      question: ({ idea }) =>
        `Your idea: "${idea}". What business objective should it serve, why does it matter now, and how will you measure that it succeeded?`,
      criteria: 'a concrete objective, why it matters, and a measurable definition of success',
    },
    {
      id: 'why-ml',
      question:
        'Why does this need machine learning rather than rules, a report or a process change? What have you tried already, and what happened?',
      criteria:
        'a reason rules or simpler methods fall short, and the alternatives tried with their outcome',
    },
    {
      id: 'inputs-outputs',
      question:
        'What exactly should the model predict: a yes/no, one of several categories, a number, or a probability? Which inputs would it use, where does each come from, and is each one available at the moment a prediction is needed?',
      criteria:
        'the target and its type; each input with its source and whether it exists at prediction time',
    },
    {
      id: 'scope',
      question:
        'What is explicitly out of scope? Which constraints (budget, deadlines, regulation, systems) and which assumptions must the project respect?',
      criteria: 'what is out of scope, the constraints, and the assumptions',
    },
  ],
  artifact: problemStatementSchema,
  gate: problemStatementGate,
  gapQuestion: (missing) => gapText('Business Translation', missing),
});
