/** The provider APIs the sidecar governs, by the path the agent's SDK calls. */
export type ApiKind = 'chat.completions' | 'completions' | 'embeddings' | 'responses' | 'messages';

const PATHS: Record<string, ApiKind> = {
  '/v1/chat/completions': 'chat.completions',
  '/v1/completions': 'completions',
  '/v1/embeddings': 'embeddings',
  '/v1/responses': 'responses',
  '/v1/messages': 'messages',
};

/** The API a POST to `path` (query string ignored) speaks, or undefined for any other path. */
export function apiOf(path: string): ApiKind | undefined {
  const q = path.indexOf('?');
  return PATHS[q === -1 ? path : path.slice(0, q)];
}

/** Anthropic's Messages API answers errors in its own shape; everything else is OpenAI-style. */
export function isAnthropic(api: ApiKind): boolean {
  return api === 'messages';
}
