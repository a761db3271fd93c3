// Versioned prompt templates end to end, with nothing in-process but the test: a PromptTemplate
// applied to the real API server, `agent-governor operator` accepting it (status Ready) and compiling
// it into the agent's policy, one `agent-governor sidecar` in front of the mock LLM, called with the
// official OpenAI and Anthropic SDKs, JSON and streamed. A call that names the template reaches the
// mock with the rendered messages before its own (Anthropic: the system message in `system`); an
// unknown template is 400, a version other than the declared one 409, a missing variable 400 naming
// it — none of them ever sent; each answer says which template and version it met, and so do the log
// line and governor_sidecar_prompt_template_calls_total. A template whose placeholder names no
// variable is admitted by the API server, Stalled by the operator and never served. A new version
// reaches the sidecar by the long-poll: the old one is then 409.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { fallbackRoutes, promptTemplates } from '../../agents/governor-resources.js';
import { fallbackRouteSpec } from '../../apis/fallback-route.js';
import { type PromptTemplate, promptTemplate } from '../../apis/prompt-template.js';
import { agentDeployment, createWorkloads } from '../../testing/budget-fixture.js';
import { eventually } from '../../testing/eventually.js';
import {
  AGENT_SERVICE_ACCOUNT,
  type GovernedAgents,
  governedAgents,
  mirroredPolicy,
  type OperatorCli,
  type SidecarCli,
  startOperatorCli,
  startSidecarCli,
} from '../../testing/governed-agents.js';
import { kstatusOf } from '../../testing/kstatus-reading.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { example } from '../../testing/repo-files.js';
import { metricValue } from '../../testing/sidecar-fixture.js';

const AGENT = 'support-agent';
const TEMPLATE = 'support-reply';
const CALLS = 'governor_sidecar_prompt_template_calls_total';
const VARIABLES = JSON.stringify({ customer: 'Ada', product: 'Router X2' });
const SYSTEM =
  'You are the support assistant of Example Corp. You answer Ada about Router X2.\n' +
  'Answer in English, in at most five sentences. Never promise refunds.';
const EXAMPLE_USER = 'My Router X2 does not turn on.';
const EXAMPLE_ASSISTANT =
  'Sorry to hear that, Ada. Hold the power button for ten seconds, then plug it in again.';
const QUESTION = 'It still does not turn on.';

const headers = (template: string, variables = VARIABLES) => ({
  'x-governor-prompt-template': template,
  'x-governor-prompt-variables': variables,
});

describe('versioned prompt templates through the real API server, operator and sidecar', {
  timeout: 300_000,
}, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let operator: OperatorCli;
  let sidecar: SidecarCli;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    env = await governedAgents('templates');
    mock = await startMockLlm();
    const ns = env.namespace;
    await createWorkloads(env.client, {
      deployments: [
        agentDeployment(ns, AGENT, {
          replicas: 1,
          labels: { team: 'support' },
          serviceAccountName: AGENT_SERVICE_ACCOUNT,
        }),
      ],
      cronJobs: [],
    });
    const route = (name: string, model: string, provider: string, endpoint: string) =>
      env.client.create(fallbackRoutes, {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'FallbackRoute',
        metadata: { namespace: ns, name },
        spec: fallbackRouteSpec.parse({
          agentSelector: { matchLabels: { team: 'support' } },
          model,
          targets: [{ name: 'mock', provider, endpoint }],
        }),
      });
    await route('gpt', 'gpt-4o', 'OpenAI', mock.baseUrl);
    await route('claude', 'claude-sonnet-4', 'Anthropic', mock.url);
    // The example of docs/prompt-templates.md, in this suite's namespace.
    const declared = example('prompt-template-support-reply.yaml') as PromptTemplate;
    await env.client.create(promptTemplates, {
      ...declared,
      metadata: { namespace: ns, name: TEMPLATE },
    });

    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'templates-operator',
      lease: 'agent-governor-leader',
    });
    const policy = await mirroredPolicy(
      env.client,
      ns,
      AGENT,
      (p) => p.routes.length === 2 && p.promptTemplates?.[0]?.version === '3',
    );
    sidecar = await startSidecarCli(env, AGENT, operator.servicesUrl, policy);
    openai = new OpenAI({ baseURL: `${sidecar.url}/v1`, apiKey: 'agent-key', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: sidecar.url, apiKey: 'agent-key', maxRetries: 0 });
  });

  after(async () => {
    await sidecar?.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await mock?.close();
    await env?.close();
  });

  const metrics = async () => (await fetch(`${sidecar.url}/metrics`)).text();
  const calls = async (labels: Record<string, string>) => metricValue(await metrics(), CALLS, labels);

  it('accepts the template: status Ready with its version, counts and no unused variable', async () => {
    const accepted = await eventually('the PromptTemplate status', async () => {
      const found = await env.client.get(promptTemplates, { namespace: env.namespace, name: TEMPLATE });
      const ready = found?.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' ? found : undefined;
    });
    assert.equal(accepted.status?.version, '3');
    assert.equal(accepted.status?.messages, 3);
    assert.equal(accepted.status?.variables, 3);
    assert.equal(accepted.status?.observedGeneration, accepted.metadata.generation);
    assert.equal(accepted.status?.unusedVariables, undefined);
    assert.ok(promptTemplate.safeParse(accepted).success, 'the object read back is a valid PromptTemplate');
  });

  it('OpenAI: the mock receives the rendered messages before the agent’s; the answer names template@version', async () => {
    const served = mock.served.length;
    const { data, response } = await openai.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: QUESTION }], temperature: 0.3 },
        { headers: headers(TEMPLATE) },
      )
      .withResponse();
    assert.equal(data.choices[0]?.message.content, mock.reply);
    assert.equal(response.headers.get('x-governor-prompt-template'), 'support-reply@3');
    assert.equal(mock.served.length, served + 1);
    const sent = mock.served.at(-1)!;
    assert.deepEqual(sent.body['messages'], [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: EXAMPLE_USER },
      { role: 'assistant', content: EXAMPLE_ASSISTANT },
      { role: 'user', content: QUESTION },
    ]);
    assert.equal(sent.body['temperature'], 0.3, "the agent's other fields pass untouched");
    assert.equal(
      sent.headers['x-governor-prompt-variables'],
      undefined,
      'governor headers never leave the pod',
    );
    const estimate = Number(response.headers.get('x-governor-input-tokens-before'));
    assert.ok(estimate >= sent.inputTokens, `the budget reserved for the rendered prompt: ${estimate}`);
  });

  it('OpenAI streaming: the same rendering, pinned to version 3, a language given', async () => {
    const { data: stream, response } = await openai.chat.completions
      .create(
        { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: QUESTION }] },
        {
          headers: headers(
            `${TEMPLATE}@3`,
            JSON.stringify({ customer: 'Zoë', product: 'X2', language: 'German' }),
          ),
        },
      )
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, mock.reply);
    assert.equal(response.headers.get('x-governor-prompt-template'), 'support-reply@3');
    const messages = mock.served.at(-1)!.body['messages'] as { content: string }[];
    assert.match(messages[0]?.content ?? '', /You answer Zoë about X2\.\nAnswer in German,/);
    assert.equal(messages.length, 4);
  });

  it('Anthropic: the system message goes in front of the agent’s system prompt, JSON and streamed', async () => {
    const { data, response } = await anthropic.messages
      .create(
        {
          model: 'claude-sonnet-4',
          max_tokens: 200,
          system: 'Reply in plain text.',
          messages: [{ role: 'user', content: QUESTION }],
        },
        { headers: headers(TEMPLATE) },
      )
      .withResponse();
    assert.equal(data.content[0]?.type === 'text' && data.content[0].text, mock.reply);
    assert.equal(response.headers.get('x-governor-prompt-template'), 'support-reply@3');
    const sent = mock.served.at(-1)!;
    assert.equal(sent.body['system'], `${SYSTEM}\n\nReply in plain text.`);
    assert.deepEqual(sent.body['messages'], [
      { role: 'user', content: EXAMPLE_USER },
      { role: 'assistant', content: EXAMPLE_ASSISTANT },
      { role: 'user', content: QUESTION },
    ]);

    const stream = anthropic.messages.stream(
      { model: 'claude-sonnet-4', max_tokens: 200, messages: [{ role: 'user', content: QUESTION }] },
      { headers: headers(TEMPLATE) },
    );
    const final = await stream.finalMessage();
    assert.equal(final.content[0]?.type === 'text' && final.content[0].text, mock.reply);
    const streamed = mock.served.at(-1)!;
    assert.equal(streamed.stream, true);
    assert.equal(streamed.body['system'], SYSTEM);
    assert.equal((streamed.body['messages'] as unknown[]).length, 3);
  });

  /** The SDK's error for a call the sidecar refuses; asserts the mock never saw it. */
  async function refused(template: string, variables = VARIABLES) {
    const served = mock.served.length;
    const error = await openai.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: QUESTION }] },
        { headers: headers(template, variables) },
      )
      .then(
        () => assert.fail(`${template} was not refused`),
        (err: unknown) => err,
      );
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(mock.served.length, served, 'a refused call is never sent');
    return error;
  }

  it('refuses an unknown template with 400, listing the templates the policy holds', async () => {
    const error = await refused('support-replies');
    assert.equal(error.status, 400);
    assert.equal(error.code, 'prompt_template_not_found');
    assert.match(
      error.message,
      /prompt template "support-replies" is not in the sidecar's policy; templates: support-reply@3/,
    );
    assert.equal(error.headers?.get('x-governor-prompt-template'), null, 'no template was met');
  });

  it('refuses another version with 409, saying which one is in force', async () => {
    const error = await refused(`${TEMPLATE}@2`);
    assert.equal(error.status, 409);
    assert.equal(error.code, 'prompt_template_version_conflict');
    assert.match(error.message, /prompt template support-reply is at version 3, the call asked for 2/);
    assert.equal(error.headers?.get('x-governor-prompt-template'), 'support-reply@3');
  });

  it('refuses a missing required variable and an undeclared one with 400, naming template and variable', async () => {
    const missing = await refused(TEMPLATE, JSON.stringify({ customer: 'Ada' }));
    assert.equal(missing.status, 400);
    assert.equal(missing.code, 'invalid_prompt_variables');
    assert.equal(missing.param, 'x-governor-prompt-variables.product');
    assert.match(missing.message, /prompt template support-reply@3 requires variable product/);
    const extra = await refused(TEMPLATE, JSON.stringify({ customer: 'Ada', product: 'X', mood: 'angry' }));
    assert.match(extra.message, /has no variable "mood"; it declares customer, product, language/);
    const long = await refused(TEMPLATE, JSON.stringify({ customer: 'A'.repeat(101), product: 'X' }));
    assert.match(long.message, /variable customer must be at most 100 characters, got 101/);
  });

  it('counts every call by template, version and outcome, and logs it on the call’s line', async () => {
    const template = { template: TEMPLATE, version: '3' };
    assert.equal(await calls({ ...template, outcome: 'Rendered' }), 4);
    assert.equal(await calls({ ...template, outcome: 'VersionConflict' }), 1);
    assert.equal(await calls({ ...template, outcome: 'InvalidVariables' }), 3);
    assert.equal(await calls({ template: 'unknown', version: 'none', outcome: 'UnknownTemplate' }), 1);
    const lines = await eventually('the request log lines', async () => {
      const found = sidecar
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"request"') && line.includes('"promptTemplate"'));
      return found.length >= 9 ? found : undefined;
    });
    const logged = lines.map((line) => JSON.parse(line) as { status: number; promptTemplate: unknown });
    assert.deepEqual(logged.find((l) => l.status === 200)?.promptTemplate, {
      name: TEMPLATE,
      version: '3',
      outcome: 'Rendered',
    });
    assert.deepEqual(logged.find((l) => l.status === 409)?.promptTemplate, {
      name: TEMPLATE,
      version: '3',
      outcome: 'VersionConflict',
    });
  });

  it('a template whose placeholder names no variable: admitted, Stalled (kstatus Failed), never served', async () => {
    // Well formed, so the API server's CEL admits it; the operator's zod judgement catches it.
    await env.client.create(promptTemplates, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'PromptTemplate',
      metadata: { namespace: env.namespace, name: 'broken' },
      spec: {
        version: '1',
        messages: [{ role: 'system', content: 'Greet {{ account }}.' }],
        variables: [{ name: 'customer', required: true }],
      },
    } as unknown as PromptTemplate);
    const stalled = await eventually('PromptTemplate broken Stalled', async () => {
      const found = await env.client.get(promptTemplates, { namespace: env.namespace, name: 'broken' });
      return found?.status?.conditions?.some((c) => c.type === 'Stalled' && c.status === 'True')
        ? found
        : undefined;
    });
    assert.equal(kstatusOf(stalled).verdict, 'Failed', kstatusOf(stalled).why);
    const ready = stalled.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.reason, 'InvalidTemplate');
    assert.match(
      ready?.message ?? '',
      /spec\.messages: messages\[0\]: \{\{ account \}\} names no variable declared/,
    );
    const error = await refused('broken');
    assert.equal(error.status, 400);
    assert.match(
      error.message,
      /prompt template "broken" is not in the sidecar's policy; templates: support-reply@3/,
    );
  });

  it('a new version reaches the sidecar by the long-poll: the old one is then 409, the new one rendered', async () => {
    const current = await env.client.get(promptTemplates, { namespace: env.namespace, name: TEMPLATE });
    assert.ok(current);
    await env.client.patch(
      promptTemplates,
      { namespace: env.namespace, name: TEMPLATE },
      { type: 'merge', body: { spec: { version: '4' } } },
    );
    const conflict = await eventually('the sidecar on version 4', async () => {
      const error = await refused(`${TEMPLATE}@3`).catch(() => undefined);
      return error?.status === 409 ? error : undefined;
    });
    assert.match(conflict.message, /is at version 4, the call asked for 3/);
    const { response } = await openai.chat.completions
      .create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: QUESTION }] },
        { headers: headers(`${TEMPLATE}@4`) },
      )
      .withResponse();
    assert.equal(response.headers.get('x-governor-prompt-template'), 'support-reply@4');
  });
});
