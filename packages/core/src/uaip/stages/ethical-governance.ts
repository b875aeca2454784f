import { defineStage } from '../../index';
import { ethicalRiskGate } from '../rules/gates';
import {
  type AssessedRisk,
  assessRisk,
  decideGovernance,
  type Governance,
} from '../rules/governance';
import {
  type EthicalRiskExtract,
  ethicalRiskExtractSchema,
  PRINCIPLES,
  type Principle,
} from '../schemas/ethical-risk';
import { gapText } from './context';

/** Stage 5's stored artifact: the assessment, each risk scored, and the decision. */
export interface EthicalRiskReport extends EthicalRiskExtract {
  assessed: Record<Principle, AssessedRisk[]>;
  governance: Governance;
}

/** Stage 5: the risks on five principles, their mitigations, and the governance decision. */
export const ethicalGovernance = defineStage({
  id: 'ethical-governance',
  title: 'Ethical Governance',
  description:
    'Risks per principle with severity and likelihood, mitigations, residual risk, escalation',
  topics: [
    {
      id: 'risks',
      question:
        'For each principle (fairness and equity; privacy and data protection; transparency and accountability; safety and resilience; human agency and oversight): what could go wrong, who would be affected, how severe would it be (1 minor to 4 severe) and how likely (1 rare to 4 almost certain)?',
      criteria:
        'for all five principles: concrete risks, affected people, severity 1–4 and likelihood 1–4; "no risks" or "n/a" is not an assessment',
    },
    {
      id: 'mitigations',
      question:
        'For each risk you named, what will you do about it, and how much of the risk do you expect each measure to remove (for example 50%)? No measure removes a risk entirely.',
      criteria: 'a mitigation for each risk with its expected effectiveness below 100%',
    },
    {
      id: 'residual-monitoring',
      question:
        'Which residual risks are you prepared to accept, and who signs that off? How will you monitor them once the system is live?',
      criteria: 'the accepted residual risks, who accepts them, and a concrete monitoring plan',
    },
    {
      id: 'escalation',
      question:
        'What should trigger an escalation, and what would make you shut the system down? Who decides, and how fast?',
      criteria: 'concrete escalation triggers, shutdown triggers, and who decides',
    },
  ],
  artifact: ethicalRiskExtractSchema,
  derive: (extract): EthicalRiskReport => {
    const assessed = Object.fromEntries(
      PRINCIPLES.map((principle) => [principle, extract.principles[principle].map(assessRisk)]),
    ) as Record<Principle, AssessedRisk[]>;
    return { ...extract, assessed, governance: decideGovernance(extract.principles) };
  },
  gate: ethicalRiskGate,
  gapQuestion: (missing) => gapText('Ethical Governance', missing),
});
