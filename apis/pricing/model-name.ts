/**
 * The name a model is known by in the pricing and limit tables: lower case, without a gateway
 * prefix (`openai/gpt-4o`, `azure/gpt-4o`) and without a Bedrock vendor prefix
 * (`us.anthropic.claude-3-5-sonnet-20240620-v1:0`).
 */
export function modelFamilyName(model: string): string {
  const lower = model.trim().toLowerCase();
  const slash = lower.lastIndexOf('/');
  const bare = slash === -1 ? lower : lower.slice(slash + 1);
  return bare.replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '');
}

type Match<T> = { key: string; value: T } | undefined;

/** Answers per table (built-in or a policy's), so the hot path looks a model up once. */
const memo = new WeakMap<object, Map<string, Match<unknown>>>();
const MEMO_MODELS = 1_000;

/**
 * The entry of `table` whose key is the longest prefix of the model's family name, ending where a
 * dated or versioned suffix starts (`-`, `@`, `:`): `gpt-4o-2024-08-06` finds `gpt-4o`, and
 * `gpt-4o-mini-2024-07-18` finds `gpt-4o-mini` before `gpt-4o`; `gpt-4o` never finds `gpt-4`.
 */
export function longestPrefixMatch<T>(model: string, table: Readonly<Record<string, T>>): Match<T> {
  let answers = memo.get(table);
  if (!answers) {
    answers = new Map();
    memo.set(table, answers);
  }
  if (answers.has(model)) return answers.get(model) as Match<T>;
  const name = modelFamilyName(model);
  let best: Match<T>;
  for (const [key, value] of Object.entries(table)) {
    const k = key.toLowerCase();
    if (best && k.length <= best.key.length) continue;
    if (name === k || (name.startsWith(k) && '-@:'.includes(name.charAt(k.length)))) best = { key: k, value };
  }
  if (answers.size >= MEMO_MODELS) answers.clear();
  answers.set(model, best);
  return best;
}
