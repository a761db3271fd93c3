import { type Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { baseUrl } from './option-values.js';

/** The flags of `agent-governor replay`, parsed (docs/replay.md). */
export interface ReplayFlags {
  corpus: string;
  candidate?: string;
  policy?: string;
  baseline?: string;
  minPassRate: number;
  maxP95Ms?: number;
  maxTokensPerCase?: number;
  minSimilarity?: number;
  similarity?: 'exact' | 'json' | 'embeddings' | 'judge';
  embeddingsUrl?: string;
  embeddingsModel?: string;
  judgeUrl?: string;
  judgeModel?: string;
  concurrency: number;
  timeoutSeconds: number;
  output: 'text' | 'json' | 'html';
  outputFile?: string;
  summaryFile?: string;
}

/** Exit codes: the contract with the evaluation gate's Job. */
export const REPLAY_EXIT = { pass: 0, failed: 1, badInput: 2 } as const;

/**
 * `agent-governor replay`: a corpus of calls sent again to a candidate sidecar or gateway, the
 * answers compared, the thresholds judged. Exits 0 on Pass, 1 when a threshold failed, 2 when it
 * could not evaluate (a bad flag, an unreadable corpus, a candidate that does not start).
 */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .summary('replay captured calls through a candidate and judge its answers against thresholds')
    .description(
      'Sends every call of a corpus (the JSONL of `agent-governor capture export`, or hand-written ' +
        '{api, body, answer?} lines) to a candidate sidecar or gateway, and reports per case and in all: ' +
        'latency p50/p95, tokens and cost, cache hits, errors, and how the answers differ from the corpus ' +
        "answers (or, with --baseline, from the baseline's). Exit 0: pass; 1: a threshold failed; 2: bad input.\n\n" +
        'Examples:\n' +
        '  agent-governor replay --corpus calls.jsonl \\\n' +
        '    --candidate http://127.0.0.1:4000 --min-pass-rate 0.9\n' +
        '  agent-governor replay --corpus calls.jsonl --policy candidate.yaml \\\n' +
        '    --embeddings-url http://127.0.0.1:8080/v1 \\\n' +
        '    --embeddings-model text-embedding-3-small --min-similarity 0.8 \\\n' +
        '    --max-p95-ms 2000 -o html --output-file report.html',
    )
    .requiredOption('--corpus <file>', 'the calls to replay, one JSON object a line (docs/replay.md)')
    .addOption(
      new Option('--candidate <url>', 'base URL of the sidecar or gateway under test')
        .argParser(baseUrl)
        .conflicts('policy'),
    )
    .addOption(
      new Option('--policy <file>', 'a SidecarConfig file: the candidate is a sidecar started here from it'),
    )
    .addOption(
      new Option('--baseline <url>', 'also replay through this one and compare with its answers').argParser(
        baseUrl,
      ),
    )
    .addOption(
      new Option('--min-pass-rate <rate>', 'share of cases that must pass, 0 to 1')
        .default(1)
        .argParser(unitInterval),
    )
    .addOption(
      new Option('--max-p95-ms <ms>', "highest p95 of the candidate's latency").argParser(positiveNumber),
    )
    .addOption(
      new Option('--max-tokens-per-case <n>', 'a case using more tokens (input + output) fails').argParser(
        positiveNumber,
      ),
    )
    .addOption(
      new Option('--min-similarity <score>', 'a case whose answer is less similar fails, 0 to 1').argParser(
        unitInterval,
      ),
    )
    .addOption(
      new Option(
        '--similarity <method>',
        'how answers are compared (default: embeddings with --embeddings-url, else exact)',
      ).choices(['exact', 'json', 'embeddings', 'judge']),
    )
    .addOption(
      new Option(
        '--embeddings-url <url>',
        'an OpenAI-compatible /v1 base URL for --similarity embeddings (key: $EMBEDDINGS_API_KEY)',
      ).argParser(baseUrl),
    )
    .addOption(new Option('--embeddings-model <model>', 'the embeddings model to ask for'))
    .addOption(
      new Option(
        '--judge-url <url>',
        'an OpenAI-compatible /v1 base URL whose chat model grades each answer, for --similarity judge (key: $JUDGE_API_KEY)',
      ).argParser(baseUrl),
    )
    .addOption(new Option('--judge-model <model>', 'the judge model to ask for'))
    .addOption(new Option('--concurrency <n>', 'cases in flight at once').default(4).argParser(positiveInt))
    .addOption(
      new Option('--timeout-seconds <s>', 'the longest one call may take')
        .default(60)
        .argParser(positiveNumber),
    )
    .addOption(
      new Option('-o, --output <format>', 'report format').choices(['text', 'json', 'html']).default('text'),
    )
    .addOption(new Option('--output-file <file>', 'write the report there instead of stdout'))
    .addOption(
      new Option(
        '--summary-file <file>',
        'also write the compact JSON summary there (e.g. /dev/termination-log)',
      ),
    )
    .exitOverride((err) => {
      // A flag commander refuses is bad input; help and version still exit 0.
      throw err.exitCode === 0 ? err : new CommanderError(REPLAY_EXIT.badInput, err.code, err.message);
    })
    .action(async (flags: ReplayFlags) => {
      const { runReplay } = await import('./replay/run-replay.js');
      const code = await runReplay(flags);
      if (code !== REPLAY_EXIT.pass) throw new CommanderError(code, 'replay.exit', `replay exited ${code}`);
    });
}

function unitInterval(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InvalidArgumentError('must be a number from 0 to 1, e.g. 0.9');
  return value;
}

function positiveNumber(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError('must be a number above 0');
  return value;
}

function positiveInt(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new InvalidArgumentError('must be a whole number above 0');
  return Number(text);
}
