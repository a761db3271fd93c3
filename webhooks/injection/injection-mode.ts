// Sidecar or gateway: how an injected agent pod is governed. The label `governor.agents.dev/mode`
// (`sidecar` or `gateway`) on the pod template or its namespace chooses; the pod's own word wins.
// Gateway mode needs a gateway the operator knows of (`--gateway-url`, set by the chart when
// `gateway.enabled`). Pure. docs/adr/0059-gateway-mode.md.
import { GROUP } from '../../apis/group-version.js';

export const MODE_LABEL = `${GROUP}/mode`;

export type InjectionMode = { mode: 'sidecar' | 'gateway'; warning?: string };

export function injectionMode(
  podLabels: Readonly<Record<string, string>> | undefined,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  gatewayUrl: string | undefined,
): InjectionMode {
  const own = podLabels?.[MODE_LABEL];
  const said = own ?? namespaceLabels?.[MODE_LABEL];
  const where = own !== undefined ? 'the pod' : 'its namespace';
  if (said === undefined || said === 'sidecar') return { mode: 'sidecar' };
  if (said !== 'gateway') {
    return {
      mode: 'sidecar',
      warning: `${MODE_LABEL} of ${where} is "${said}"; expected "sidecar" or "gateway": the sidecar is injected`,
    };
  }
  if (!gatewayUrl) {
    return {
      mode: 'sidecar',
      warning:
        `${MODE_LABEL}: gateway on ${where}, but this operator knows no gateway (chart value gateway.enabled, ` +
        'operator flag --gateway-url): the sidecar is injected',
    };
  }
  return { mode: 'gateway' };
}
