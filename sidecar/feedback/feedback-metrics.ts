import type { Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from '../telemetry/labelled-series.js';
import { UseCaseLabel } from '../telemetry/use-case-label.js';
import { scoreBucket } from './feedback-body.js';
import type { CallSummary } from './recent-calls.js';

const PREFIX = 'governor_sidecar_';
const NONE = 'none';
/** Distinct models and prompt templates named in these labels per sidecar; later ones are "other". */
export const MAX_LABELLED_MODELS = 20;
export const MAX_LABELLED_PROMPT_TEMPLATES = 20;
const SCORE_BOUNDS = [-1, -0.5, 0, 0.5, 1];

/**
 * Feedback and re-asks as Prometheus series, per agent, route, model, prompt template and experiment
 * variant. Routes and variants are the policy's (bounded); models and prompt templates can come from
 * the agent (a catch-all route, its own x-governor-prompt-template), so each keeps the first 20 names
 * it sees and counts the rest as "other"; the score is a three-valued bucket.
 */
export class FeedbackMetrics {
  private readonly feedback: LabelledCounter;
  private readonly score: LabelledHistogram;
  private readonly reasks: LabelledCounter;
  private readonly models = new UseCaseLabel(MAX_LABELLED_MODELS);
  private readonly templates = new UseCaseLabel(MAX_LABELLED_PROMPT_TEMPLATES);

  constructor(registry: Registry) {
    this.feedback = new LabelledCounter(
      `${PREFIX}feedback_total`,
      'Explicit feedback (POST /v1/feedback) on calls, by agent, route, model, prompt template, variant and score bucket (negative < 0, neutral = 0, positive > 0).',
      registry,
    );
    this.score = new LabelledHistogram(
      `${PREFIX}feedback_score`,
      'Scores (from -1 to 1) of explicit feedback, by agent, route, model, prompt template and variant: _sum / _count is the mean score.',
      registry,
      SCORE_BOUNDS,
    );
    this.reasks = new LabelledCounter(
      `${PREFIX}reasks_total`,
      'Answers followed by a near-duplicate question from the same conversation or user within the re-ask window, by the answered call: agent, route, model, prompt template, variant.',
      registry,
    );
  }

  private labels(call: CallSummary) {
    return {
      agent: call.agent,
      route: call.route ?? NONE,
      model: this.models.of(call.model),
      prompt_template: this.templates.of(call.promptTemplate),
      variant: call.variant ?? NONE,
    };
  }

  observeFeedback(call: CallSummary, score: number): void {
    const labels = this.labels(call);
    this.feedback.series({ ...labels, score_bucket: scoreBucket(score) }).value += 1;
    this.score.series(labels).observe(score);
  }

  observeReask(answered: CallSummary): void {
    this.reasks.series(this.labels(answered)).value += 1;
  }
}
