// Bearer tokens from a file (a projected ServiceAccount token, `tokenFile:` in a kubeconfig) are
// rotated by the kubelet; like client-go, re-read the file at most once a minute.
import { readFile } from 'node:fs/promises';

export const tokenFileRefreshMs = 60_000;

export type TokenSource = () => Promise<string>;

export function staticToken(token: string): TokenSource {
  return () => Promise.resolve(token);
}

export function tokenFile(path: string, now: () => number = Date.now): TokenSource {
  let cached: { token: string; readAt: number } | undefined;
  return async () => {
    if (cached && now() - cached.readAt < tokenFileRefreshMs) return cached.token;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      // Keep using the last token when the file is briefly missing during a kubelet rotation.
      if (cached) return cached.token;
      throw new Error(`cannot read the bearer token file ${path}: ${(err as Error).message}`);
    }
    cached = { token: text.trim(), readAt: now() };
    return cached.token;
  };
}
