import { readFile, writeFile } from 'node:fs/promises';
import { formatReplaySummary } from '../../apis/replay-summary.js';
import { REPLAY_EXIT, type ReplayFlags } from '../replay-command.js';
import { exactSimilarity, jsonStructureSimilarity, type SimilarityMethod } from './answer-similarity.js';
import { embeddingsSimilarity } from './embeddings-client.js';
import { judgeSimilarity } from './judge-client.js';
import { modelEndpoint } from './model-endpoint.js';
import { startPolicyCandidate } from './policy-candidate.js';
import { parseCorpus, type ReplayCase } from './replay-corpus.js';
import { replayHtml } from './replay-html.js';
import { type Compare, replayCases } from './replay-runner.js';
import { replayText } from './replay-text.js';
import { type ReplayReport, replayReport, type Thresholds } from './replay-verdict.js';

/**
 * `agent-governor replay` from its parsed flags: the corpus read, the candidate started when it
 * is a policy file, the cases replayed, the report and the summary written. Returns the exit code.
 */
export async function runReplay(flags: ReplayFlags): Promise<number> {
  let report: ReplayReport;
  try {
    report = await evaluate(flags);
  } catch (err) {
    const message = `agent-governor replay: ${(err as Error).message}`;
    console.error(message);
    // The gate reads the summary file as a termination message: the reason is better than nothing there.
    if (flags.summaryFile !== undefined)
      await writeFile(flags.summaryFile, message.slice(0, 4000)).catch(() => {});
    return REPLAY_EXIT.badInput;
  }
  return report.summary.verdict === 'Pass' ? REPLAY_EXIT.pass : REPLAY_EXIT.failed;
}

async function evaluate(flags: ReplayFlags): Promise<ReplayReport> {
  const method = similarityMethod(flags);
  const compare = comparison(method, flags);
  const cases = await readCorpus(flags.corpus);
  if (flags.candidate === undefined && flags.policy === undefined)
    throw new Error(
      'give the candidate: --candidate URL (a running sidecar or gateway) or --policy FILE (a SidecarConfig)',
    );
  const started = flags.policy === undefined ? undefined : await startPolicyCandidate(flags.policy);
  const candidate = started?.url ?? (flags.candidate as string);
  const shown = flags.policy === undefined ? candidate : `${flags.policy} (${candidate})`;
  try {
    const results = await replayCases(cases, {
      candidate,
      ...(flags.baseline === undefined ? {} : { baseline: flags.baseline }),
      concurrency: flags.concurrency,
      timeoutMs: flags.timeoutSeconds * 1000,
      compare,
    });
    const report = replayReport(results, thresholds(flags), method);
    const rendered =
      flags.output === 'json'
        ? `${JSON.stringify({ target: shown, ...report }, null, 2)}\n`
        : flags.output === 'html'
          ? replayHtml(report, shown, new Date())
          : replayText(report, shown);
    if (flags.outputFile === undefined) process.stdout.write(rendered);
    else await writeFile(flags.outputFile, rendered);
    if (flags.summaryFile !== undefined)
      await writeFile(flags.summaryFile, formatReplaySummary(report.summary));
    return report;
  } finally {
    await started?.close();
  }
}

function similarityMethod(flags: ReplayFlags): SimilarityMethod {
  const method = flags.similarity ?? (flags.embeddingsUrl === undefined ? 'exact' : 'embeddings');
  if (method === 'embeddings' && (flags.embeddingsUrl === undefined || flags.embeddingsModel === undefined))
    throw new Error('--similarity embeddings needs --embeddings-url URL and --embeddings-model MODEL');
  if (method === 'judge' && (flags.judgeUrl === undefined || flags.judgeModel === undefined))
    throw new Error('--similarity judge needs --judge-url URL and --judge-model MODEL');
  return method;
}

function comparison(method: SimilarityMethod, flags: ReplayFlags): Compare {
  switch (method) {
    case 'exact':
      return async (reference, candidate) => ({ score: exactSimilarity(reference, candidate) });
    case 'json':
      return async (reference, candidate) => jsonStructureSimilarity(reference, candidate);
    case 'embeddings': {
      const endpoint = modelEndpoint(
        flags.embeddingsUrl as string,
        flags.embeddingsModel as string,
        flags.timeoutSeconds * 1000,
        'EMBEDDINGS_API_KEY',
      );
      return (reference, candidate) => embeddingsSimilarity(endpoint, reference, candidate);
    }
    case 'judge': {
      const endpoint = modelEndpoint(
        flags.judgeUrl as string,
        flags.judgeModel as string,
        flags.timeoutSeconds * 1000,
        'JUDGE_API_KEY',
      );
      return (reference, candidate) => judgeSimilarity(endpoint, reference, candidate);
    }
  }
}

async function readCorpus(file: string): Promise<ReplayCase[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(
      `--corpus ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  return parseCorpus(text, file);
}

function thresholds(flags: ReplayFlags): Thresholds {
  const out: Thresholds = { minPassRate: flags.minPassRate };
  if (flags.maxP95Ms !== undefined) out.maxP95Ms = flags.maxP95Ms;
  if (flags.maxTokensPerCase !== undefined) out.maxTokensPerCase = flags.maxTokensPerCase;
  if (flags.minSimilarity !== undefined) out.minSimilarity = flags.minSimilarity;
  return out;
}
