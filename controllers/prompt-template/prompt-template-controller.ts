// The PromptTemplate controller: judges each template and reports the version it accepts
// (prompt-template-plan.ts decides it). It changes nothing else: the policy compiler reads the
// templates itself and gives those of a namespace to its agents' sidecars.
import { promptTemplates } from '../../agents/governor-resources.js';
import {
  type ControllerFactory,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done } from '../../runtime/controller/reconcile-result.js';
import { planPromptTemplate } from './prompt-template-plan.js';

export const PROMPT_TEMPLATE_CONTROLLER = 'prompt-template';

export const promptTemplateController: ControllerFactory = () =>
  defineController({
    name: PROMPT_TEMPLATE_CONTROLLER,
    watches: [
      watch({
        resource: promptTemplates,
        mapToKeys: (changed) => [
          { namespace: changed.metadata.namespace ?? '', name: changed.metadata.name ?? '' },
        ],
      }),
    ],
    async reconcile(key, context) {
      const template = context.cache(promptTemplates).get(key);
      if (!template || template.metadata.deletionTimestamp) return done;
      const plan = planPromptTemplate(template, context.now());
      const executor = new PlanExecutor(context);
      await executor.writeStatus({
        resource: promptTemplates,
        key,
        current: template.status,
        next: plan.status,
      });
      executor.record(plan.events);
      return done;
    },
  });
