// `agent-governor demo`: plays the steps, prints the summary, and either leaves everything running
// (--keep) with instructions or tears it all down — also after a failed step, and on Ctrl-C (the
// first stops the story and tears down; a second exits at once and leaves the rest to the cluster's
// owner watch). Returns the exit code: 0 only when every check held.
import { resolve } from 'node:path';
import { clusterDown } from '../local-cluster/cluster.js';
import { DEMO, type DemoContext, type OperatorCapabilities } from './demo-context.js';
import { demoLayout } from './demo-layout.js';
import { stopDemoProcesses } from './demo-processes.js';
import { runSteps } from './demo-step.js';
import { demoSteps } from './demo-steps.js';
import { keepInstructions } from './keep-instructions.js';
import { type KeptCockpit, startKeptCockpit } from './kept-cockpit.js';
import { closeCalls } from './llm-call.js';
import { Narrator } from './narration.js';
import { demoExitCode, summaryTable } from './summary-table.js';

export interface DemoOptions {
  dir: string;
  keep: boolean;
  capabilities: OperatorCapabilities;
  /** Where the narration goes (stdout). */
  write: (text: string) => void;
  /** A terminal: colours and progress in place. */
  tty: boolean;
  /** The terminal's width. */
  columns?: number;
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const layout = demoLayout(resolve(options.dir));
  const narrator = new Narrator({
    write: options.write,
    tty: options.tty,
    ...(options.columns ? { columns: options.columns } : {}),
  });
  const interrupt = new AbortController();
  const context: DemoContext = {
    layout,
    narrator,
    signal: interrupt.signal,
    capabilities: options.capabilities,
    operatorNamespace: DEMO.operatorNamespace,
    mocks: {},
    sidecars: {},
  };
  const signals = onInterrupt(interrupt, narrator, layout.dir);
  narrator.info(`agent-governor demo in ${layout.dir}${options.keep ? ' (--keep)' : ''}`);
  try {
    const outcomes = await runSteps(context, demoSteps({ keep: options.keep }));
    // On a terminal the two text columns share its width with the step and ok columns and the gaps (32).
    const maxColumnWidth = options.columns ? Math.max(24, Math.floor((options.columns - 32) / 2)) : 48;
    narrator.write(`\n${summaryTable(outcomes, { colour: options.tty, maxColumnWidth })}\n`);
    const code = demoExitCode(outcomes);
    if (options.keep && !interrupt.signal.aborted && context.cluster) {
      let cockpit: KeptCockpit | undefined;
      try {
        cockpit = await startKeptCockpit(context);
      } catch (err) {
        narrator.fail(`the cockpit did not start: ${(err as Error).message}`);
      }
      narrator.write(
        keepInstructions({
          dir: layout.dir,
          kubeconfig: context.cluster.kubeconfig,
          kubectl: context.cluster.kubectl,
          logs: layout.logs,
          namespace: DEMO.namespace,
          budget: DEMO.budget,
          sidecars: Object.fromEntries(Object.values(context.sidecars).map((s) => [s.agent, s.url])),
          ...(cockpit ? { cockpit } : {}),
        }),
      );
      await context.transport?.close();
      await closeCalls();
      return code;
    }
    await tearDown(context);
    return code;
  } catch (err) {
    // runSteps turns step failures into outcomes; this is the demo's own fault. Leave nothing behind.
    narrator.fail(`the demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await tearDown(context);
    return 1;
  } finally {
    signals.dispose();
  }
}

/** Stops the demo's processes (sidecars and the gateway first, so they flush usage while the operator listens), then the cluster. */
async function tearDown(context: DemoContext): Promise<void> {
  const { narrator, layout } = context;
  const began = Date.now();
  narrator.step('Tear down: sidecars, gateway, operator, mock providers, control plane');
  const stages = [
    [
      ...Object.values(context.sidecars).map((s) => s.process),
      ...(context.gateway ? [context.gateway.process] : []),
    ],
    context.operator ? [context.operator.process] : [],
    Object.values(context.mocks).map((m) => m.process),
  ];
  try {
    for (const processes of stages) {
      if (processes.length > 0) await stopDemoProcesses(layout, processes);
    }
  } catch (err) {
    narrator.fail(`stopping the demo's processes: ${(err as Error).message}`);
  }
  await context.transport?.close().catch(() => {});
  await closeCalls().catch(() => {});
  if (context.cluster) {
    try {
      const down = await clusterDown({ dir: layout.dir });
      narrator.info(down.message);
    } catch (err) {
      narrator.fail(
        `${(err as Error).message}; run \`agent-governor cluster down --dir ${layout.dir}\` to stop what is left`,
      );
    }
  }
  narrator.ok(`torn down in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

function onInterrupt(interrupt: AbortController, narrator: Narrator, dir: string): { dispose(): void } {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) {
      narrator.fail(
        `${signal} again: exiting now; stop what is left with \`agent-governor cluster down --dir ${dir}\``,
      );
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
    narrator.fail(`${signal}: stopping the demo and tearing everything down (again to exit at once)`);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
