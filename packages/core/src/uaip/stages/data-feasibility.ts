import { defineStage } from '../../index';
import { scoreDataQuality } from '../rules/data-quality-rule';
import { dataQualityGate } from '../rules/gates';
import { dataQualityExtractSchema } from '../schemas/data-quality';
import { gapText, problemOf } from './context';

/** Stage 3: whether the data can carry the project. */
export const dataFeasibility = defineStage({
  id: 'data-feasibility',
  title: 'Data Feasibility',
  description:
    'Data sources, quality on six dimensions, labels, FAIR principles and infrastructure',
  topics: [
    {
      id: 'sources',
      question: (context) => {
        const inputs = problemOf(context)?.inputFeatures.map((feature) => feature.name) ?? [];
        const named = inputs.length > 0 ? ` You named these inputs: ${inputs.join(', ')}.` : '';
        return `Which data sources would feed the model?${named} For each source: what kind of data it holds, how much, how often it is updated, and who grants access.`;
      },
      criteria: 'each source with its type, volume, update frequency and access',
    },
    {
      id: 'quality',
      question:
        'How good is that data? Please score it from 0 to 10 on each of six dimensions, with a reason for each: accuracy, consistency, completeness, timeliness, validity and integrity.',
      criteria: 'a 0–10 score with a reason for each of the six dimensions',
    },
    {
      id: 'labels',
      question: (context) => {
        const target = problemOf(context)?.targetOutput.name;
        return `How will you get labels${target ? ` for "${target}"` : ''}: who labels, what it costs, how long it takes, and how label quality is checked?`;
      },
      criteria: 'who labels, the cost, the time, and the quality assurance',
    },
    {
      id: 'fair-infrastructure',
      question:
        'Is the data findable, accessible, interoperable and reusable (the FAIR principles)? Where does each fall short? What infrastructure exists to store, process and serve it?',
      criteria: 'each FAIR principle met or not with the gaps, and the state of the infrastructure',
    },
  ],
  artifact: dataQualityExtractSchema,
  derive: (extract) => scoreDataQuality(extract),
  gate: dataQualityGate,
  gapQuestion: (missing) => gapText('Data Feasibility', missing),
});
