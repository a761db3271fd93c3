// What one PromptTemplate reconcile writes and says, decided from the template and the clock (pure):
// the spec judged as the API server judges it (a template stored before a rule existed, or written
// around admission, is caught here), the version accepted with its counts and the variables no
// placeholder names, the kstatus conditions, and Events on a transition — a new version accepted,
// a new unused variable, a template refused.
import { placeholdersIn } from '../../apis/prompt-placeholders.js';
import {
  type PromptTemplate,
  type PromptTemplateSpec,
  type PromptTemplateStatus,
  promptTemplateSpec,
} from '../../apis/prompt-template.js';
import { fieldPath } from '../../apis/validate.js';
import type { PlannedEvent } from '../../runtime/controller/plan-executor.js';
import { kstatusConditions, nextConditions } from '../kstatus/conditions.js';

export interface PromptTemplatePlan {
  status: PromptTemplateStatus;
  events: PlannedEvent[];
}

export function planPromptTemplate(template: PromptTemplate, now: Date): PromptTemplatePlan {
  const name = `${template.metadata.namespace ?? ''}/${template.metadata.name ?? ''}`;
  const generation = template.metadata.generation;
  const previous = template.status;
  const parsed = promptTemplateSpec.safeParse(template.spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) =>
      `spec.${fieldPath(i.path)}: ${i.message}`.replace(/\.$/, ''),
    );
    const message = `not served to any sidecar: ${problems.join('; ')}`;
    const wasStalled = previous?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True');
    return {
      status: {
        conditions: nextConditions(
          previous?.conditions,
          kstatusConditions({ state: 'Stalled', reason: 'InvalidTemplate', message }),
          generation,
          now,
        ),
        ...(generation !== undefined ? { observedGeneration: generation } : {}),
      },
      events: wasStalled
        ? []
        : [
            {
              regarding: template,
              event: {
                type: 'Warning',
                reason: 'InvalidTemplate',
                action: 'ValidateTemplate',
                note: `PromptTemplate ${name} is ${message}.`.slice(0, 1024),
              },
            },
          ],
    };
  }
  const spec = parsed.data;
  const unused = unusedVariables(spec);
  const variables = spec.variables.map((v) => v.name);
  const parts = [
    `version ${spec.version}: ${spec.messages.length} ${spec.messages.length === 1 ? 'message' : 'messages'}, ` +
      `${variables.length === 0 ? 'no variables' : `variables ${variables.join(', ')}`}`,
    ...(unused.length > 0 ? [`no placeholder names ${unused.join(', ')}`] : []),
    `calls name it as ${template.metadata.name ?? ''} or ${template.metadata.name ?? ''}@${spec.version} in x-governor-prompt-template`,
  ];
  const status: PromptTemplateStatus = {
    version: spec.version,
    messages: spec.messages.length,
    variables: variables.length,
    ...(unused.length > 0 ? { unusedVariables: unused } : {}),
    conditions: nextConditions(
      previous?.conditions,
      kstatusConditions({
        state: 'Ready',
        reason: unused.length > 0 ? 'AcceptedWithFindings' : 'Accepted',
        message: `${parts.join('; ')}.`,
      }),
      generation,
      now,
    ),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  const events: PlannedEvent[] = [];
  if (previous?.version !== spec.version) {
    events.push({
      regarding: template,
      event: {
        type: 'Normal',
        reason: 'VersionAccepted',
        action: 'AcceptTemplate',
        note:
          previous?.version === undefined
            ? `Version ${spec.version} accepted; the agents of namespace ${template.metadata.namespace ?? ''} receive it with their next policy.`
            : `Version ${spec.version} accepted in place of ${previous.version}; a call asking for ${template.metadata.name ?? ''}@${previous.version} now gets 409.`,
      },
    });
  }
  const knownUnused = new Set(previous?.unusedVariables ?? []);
  for (const variable of unused.filter((v) => !knownUnused.has(v))) {
    events.push({
      regarding: template,
      event: {
        type: 'Warning',
        reason: 'UnusedVariable',
        action: 'ValidateTemplate',
        note: `Variable ${variable} is declared but no message has {{${variable}}}; a value a call gives for it changes nothing.`,
      },
    });
  }
  return { status, events };
}

/** Declared variables no placeholder of any message names. */
export function unusedVariables(spec: PromptTemplateSpec): string[] {
  const named = new Set(spec.messages.flatMap((m) => placeholdersIn(m.content).map((p) => p.name)));
  return spec.variables.map((v) => v.name).filter((v) => !named.has(v));
}
