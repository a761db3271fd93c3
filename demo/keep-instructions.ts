// What `agent-governor demo --keep` prints at the end: how to use what it left running and how to
// stop it. Pure.

export interface KeptDemo {
  dir: string;
  kubeconfig: string;
  kubectl: string;
  logs: string;
  namespace: string;
  budget: string;
  /** Sidecar URLs by agent, e.g. { support: 'http://127.0.0.1:40123' }. */
  sidecars: Record<string, string>;
  /** The cockpit it left running, and the ServiceAccount to sign in as. */
  cockpit?: { url: string; namespace: string; serviceAccount: string };
}

export function keepInstructions(kept: KeptDemo): string {
  const sidecarLines = Object.entries(kept.sidecars).map(
    ([agent, url]) => `    ${agent.padEnd(10)} OPENAI_BASE_URL=${url}/v1`,
  );
  const example = kept.sidecars['support'] ?? Object.values(kept.sidecars)[0];
  return [
    'The demo keeps running (--keep): the control plane, the operator, the sidecars and the mock providers.',
    '',
    'Use it:',
    `  export KUBECONFIG=${kept.kubeconfig}`,
    `  alias kubectl=${kept.kubectl}      # the kubectl built with the control plane`,
    '  kubectl get governor -A',
    `  kubectl get deployments,cronjobs,pods -n ${kept.namespace}`,
    `  npx agent-governor experiments --kubeconfig ${kept.kubeconfig} -n ${kept.namespace}   # the A/B experiment's variants`,
    '',
    'Point an OpenAI SDK (or curl) at a sidecar; the answers come from the local mock providers:',
    ...sidecarLines,
    ...(example
      ? [
          `  curl -s ${example}/v1/chat/completions -H 'content-type: application/json' \\`,
          `    -d '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}'`,
        ]
      : []),
    '',
    ...(kept.cockpit
      ? [
          "Open the cockpit (today's tokens and spend per agent, use case and hour; budgets and forecasts; live):",
          `  ${kept.cockpit.url}`,
          `  sign in with the token of: kubectl create token ${kept.cockpit.serviceAccount} -n ${kept.cockpit.namespace}`,
          '',
        ]
      : []),
    'Raise the budget and watch the operator restore the marketing agent (3 replicas, CronJob resumed):',
    `  kubectl patch tokenbudget ${kept.budget} -n ${kept.namespace} --type merge -p '{"spec":{"limits":{"tokens":1000000}}}'`,
    '',
    `Logs: ${kept.logs} (operator.log, sidecar-*.log, mock-*.log, cockpit.log beside the control plane's)`,
    'Stop everything:',
    `  agent-governor cluster down --dir ${kept.dir}`,
    '',
  ].join('\n');
}
