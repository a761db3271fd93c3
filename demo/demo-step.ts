// The shape of one step of the demo, and the runner that plays the steps in order. A step declares
// up front the checks it answers (what it shows and what it expects), so that the summary has a row
// for every check even when a step cannot run or an earlier one failed.
import type { DemoContext } from './demo-context.js';
import { failed, held, notRun, type StepOutcome } from './summary-table.js';

export interface Check {
  step: string;
  expected: string;
}

/** Records what one check observed; called once per check, in the order of `checks`. */
export type Observe = (observed: string, ok: boolean) => void;

export interface DemoStep {
  /** Narrated when the step begins. */
  title: string;
  checks: readonly Check[];
  /** Later steps need this one: when it fails they do not run. */
  required: boolean;
  /** Why the step cannot run in this build or this run (its checks are then "not run"). */
  unavailable?(context: DemoContext): string | undefined;
  run(context: DemoContext, observe: Observe): Promise<void>;
}

/**
 * Plays the steps in order and returns one outcome per check. A step that throws fails the check it
 * was on (quoting the error) and leaves its remaining checks not run; after a required step failed,
 * or once the demo is interrupted, the remaining steps do not run.
 */
export async function runSteps(context: DemoContext, steps: readonly DemoStep[]): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  let stopped: string | undefined;
  for (const step of steps) {
    const skip =
      stopped ?? (context.signal.aborted ? 'the demo was interrupted' : step.unavailable?.(context));
    if (skip) {
      if (!stopped) context.narrator.info(`${step.title}: skipped, ${skip}`);
      outcomes.push(...step.checks.map((check) => notRun(check.step, check.expected, skip)));
      continue;
    }
    context.narrator.step(step.title);
    const observed: StepOutcome[] = [];
    const observe: Observe = (text, ok) => {
      const check = step.checks[observed.length];
      if (!check) throw new Error(`step "${step.title}" observed more than its ${step.checks.length} checks`);
      observed.push((ok ? held : failed)(check.step, check.expected, text));
      (ok ? context.narrator.ok : context.narrator.fail).call(context.narrator, `${check.step}: ${text}`);
    };
    try {
      await step.run(context, observe);
    } catch (err) {
      const message = context.signal.aborted
        ? 'interrupted'
        : err instanceof Error
          ? err.message
          : String(err);
      const check = step.checks[observed.length];
      if (check) {
        observed.push(failed(check.step, check.expected, message));
        context.narrator.fail(`${check.step}: ${message}`);
      } else {
        context.narrator.fail(`${step.title}: ${message}`);
      }
    }
    if (context.signal.aborted) stopped = 'the demo was interrupted';
    else if (step.required && observed.some((o) => o.verdict === 'failed')) {
      stopped = `an earlier step failed (${step.title})`;
    }
    for (const check of step.checks.slice(observed.length)) {
      observed.push(notRun(check.step, check.expected, stopped ?? 'its step ended early'));
    }
    outcomes.push(...observed);
  }
  return outcomes;
}
