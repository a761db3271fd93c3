// The sidecar services as a service of the operator runtime (runtime/manager/operator-service.ts):
// they run from start-up to shutdown on leader and standby alike — a standby answers 503 with
// Retry-After, so a sidecar that reaches it backs off and retries instead of failing to connect.
import type { OperatorService } from '../runtime/manager/operator-service.js';
import {
  type SidecarServices,
  type SidecarServicesOptions,
  startSidecarServices,
} from './sidecar-services.js';

export type SidecarServicesServiceOptions = Omit<
  SidecarServicesOptions,
  'kube' | 'isLeader' | 'logger' | 'registry'
> & {
  /** How long shutdown lets usage posts in flight finish; default 5 s. */
  shutdownGraceMs?: number;
  /** Called once the services listen (their URL and port, e.g. for the start-up line or a test). */
  onListening?: (services: SidecarServices) => void;
};

export function sidecarServicesService(options: SidecarServicesServiceOptions): OperatorService {
  return {
    name: 'sidecar-services',
    leaderOnly: false,
    async run(context) {
      const services = await startSidecarServices({
        now: context.now,
        ...options,
        kube: context.client,
        isLeader: () => context.isLeader(),
        logger: context.log,
        registry: context.registry,
      });
      options.onListening?.(services);
      await new Promise<void>((resolve) => {
        if (context.signal.aborted) return resolve();
        context.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await services.close(options.shutdownGraceMs);
    },
  };
}
