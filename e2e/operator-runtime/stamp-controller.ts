// A small real controller for the runtime's tests: it stamps every ConfigMap labelled
// `stamp=wanted` with an annotation naming the process that acted (`stamped-by-<identity>`),
// unless one is already there. Two processes acting at once would each add their own annotation,
// so a ConfigMap with two stamps is proof of double action.
import {
  type ControllerDefinition,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { done } from '../../runtime/controller/reconcile-result.js';
import { configMaps } from '../../runtime/kube/resources.js';

export const stampPrefix = 'stamped-by-';

export function stampController(identity: string, namespace: string): ControllerDefinition {
  return defineController({
    name: 'stamp',
    watches: [watch({ resource: configMaps, namespace, labelSelector: 'stamp=wanted' })],
    concurrency: 4,
    async reconcile(key, context) {
      const configMap = context.cache(configMaps).get(key);
      if (!configMap) return done;
      const stamped = Object.keys(configMap.metadata?.annotations ?? {}).some((k) =>
        k.startsWith(stampPrefix),
      );
      if (stamped) return done;
      await context.client.patch(configMaps, key, {
        type: 'merge',
        body: { metadata: { annotations: { [`${stampPrefix}${identity}`]: context.now().toISOString() } } },
      });
      context.events.normal(configMap, 'Stamped', `stamped by ${identity}`);
      return done;
    },
  });
}
