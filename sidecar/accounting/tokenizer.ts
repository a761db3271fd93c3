import { createRequire } from 'node:module';
import { modelFamilyName } from '../../apis/pricing/model-name.js';

/** The BPE encodings the sidecar counts with. Claude and unknown models are approximated with o200k_base. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * The encoding of a model family: cl100k_base for GPT-4 (not 4o/4.1/4.5), GPT-3.5, the legacy
 * completion models and the OpenAI embedding models; o200k_base for GPT-4o, GPT-4.1, GPT-4.5,
 * GPT-5, the o-series and as the default (Anthropic publishes no tokenizer; o200k is close).
 */
export function encodingForModel(model: string): EncodingName {
  const name = modelFamilyName(model);
  if (name === 'gpt-4' || name.startsWith('gpt-4-')) return 'cl100k_base';
  if (/^(?:gpt-3\.5|text-embedding-|davinci-002|babbage-002)/.test(name)) return 'cl100k_base';
  return 'o200k_base';
}

interface Encoder {
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
}

const require = createRequire(import.meta.url);
const encoders = new Map<EncodingName, Encoder>();

/**
 * Loaded on first use only: an encoding costs about 60 MB of memory and 0.2 s to load, which a
 * sidecar pays only when a provider did not report usage (a broken stream, a server without usage).
 */
function encoder(name: EncodingName): Encoder {
  let e = encoders.get(name);
  if (!e) {
    e = require(`gpt-tokenizer/encoding/${name}`) as Encoder;
    encoders.set(name, e);
  }
  return e;
}

/** Special-token text such as `<|endoftext|>` is counted as the plain text it is in a prompt, never refused. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of `text` with the model's tokenizer (gpt-tokenizer). */
export function estimateTokens(text: string, model: string): number {
  if (text.length === 0) return 0;
  return encoder(encodingForModel(model)).countTokens(text, PLAIN_TEXT);
}

/** True once an encoding is in memory (for tests and diagnostics). */
export function tokenizerLoaded(): boolean {
  return encoders.size > 0;
}
