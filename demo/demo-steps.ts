// The story, in order. Each step is a file of steps/. The required ones set the stage (control
// plane, install, operator, providers, agents, sidecars: a failure there stops the demo); the others
// each tell one part of the story and run whatever happened before them.
import type { DemoStep } from './demo-step.js';
import { admissionStep } from './steps/admission-step.js';
import { agentsStep, injectionStep } from './steps/agents-step.js';
import { budgetStep } from './steps/budget-step.js';
import { compressionStep } from './steps/compression-step.js';
import { controlPlaneStep } from './steps/control-plane-step.js';
import { experimentStep } from './steps/experiment-step.js';
import { gatewayStep } from './steps/gateway-step.js';
import { governanceStep } from './steps/governance-step.js';
import { installStep } from './steps/install-step.js';
import { operatorStep } from './steps/operator-step.js';
import { outageStep } from './steps/outage-step.js';
import { providersStep } from './steps/providers-step.js';
import { sidecarsStep } from './steps/sidecars-step.js';
import { sloStep } from './steps/slo-step.js';

export function demoSteps(options: { keep: boolean }): DemoStep[] {
  return [
    controlPlaneStep(options),
    installStep,
    operatorStep,
    providersStep,
    agentsStep,
    injectionStep,
    sidecarsStep,
    gatewayStep,
    experimentStep,
    budgetStep,
    compressionStep,
    outageStep,
    admissionStep,
    sloStep,
    governanceStep,
  ];
}
