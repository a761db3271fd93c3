// The effective policy of every agent, as the sidecars are served it: the controllers publish, the
// long-poll answers from it, the ConfigMap mirror copies it, and on start it is restored from that
// mirror. Versions are assigned here (policy-version.ts), so they are monotonic per agent whatever
// the controllers put in `version`; a publish that changes nothing but `version` / `generatedAt`
// keeps the version and wakes nobody.
import { type EffectivePolicy, effectivePolicy } from '../apis/effective-policy.js';
import { fieldPath } from '../apis/validate.js';
import { nextPolicyVersion, type PolicyOrigin, parsePolicyVersion } from './policy-version.js';

/** How far ahead of the clock a version a sidecar holds may be and still be believed. */
const HELD_VERSION_AHEAD_MS = 86_400_000;

/** One agent's policy as stored: the document, its version and the JSON body served. */
export interface StoredPolicy {
  namespace: string;
  agent: string;
  /** The version as served (`policy.version`). */
  version: string;
  versionNumber: number;
  policy: EffectivePolicy;
  /** The exact long-poll answer body. */
  body: string;
  /** `published` by a controller of this process, or `restored` from the ConfigMap mirror. */
  origin: PolicyOrigin;
}

export interface PublishedPolicy {
  version: string;
  /** False when the content was the same as before: the version stayed and nobody was woken. */
  changed: boolean;
}

export type PolicyChange =
  | { type: 'published'; policy: StoredPolicy }
  | { type: 'removed'; namespace: string; agent: string };

export interface PolicyStoreOptions {
  /** Clock of the versions; default Date.now. */
  now?: () => number;
}

interface Entry {
  stored: StoredPolicy | undefined;
  /** Content without version and generatedAt, to recognise a publish that changes nothing. */
  content: string | undefined;
  /** Highest version a sidecar reported holding (the next publish goes above it). */
  highestSeen: number;
}

export class PolicyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly watchers = new Map<string, Set<(policy: StoredPolicy | undefined) => void>>();
  private readonly subscribers = new Set<(change: PolicyChange) => void>();
  private readonly now: () => number;

  constructor(options: PolicyStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Makes `policy` the agent's effective policy and answers every long-poll waiting on it. Throws
   * when the policy is not a valid EffectivePolicy for this agent (a controller bug: nothing is
   * served then, the previous policy stays).
   */
  publish(namespace: string, agent: string, policy: EffectivePolicy): PublishedPolicy {
    const parsed = effectivePolicy.safeParse(policy);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `effective policy of agent ${namespace}/${agent} is invalid and was not published: ` +
          `${issue ? `${fieldPath(issue.path)}: ${issue.message}` : parsed.error.message}`,
      );
    }
    if (parsed.data.agent.namespace !== namespace || parsed.data.agent.name !== agent) {
      throw new Error(
        `effective policy published for agent ${namespace}/${agent} names agent ` +
          `${parsed.data.agent.namespace}/${parsed.data.agent.name} in agent; publish it under that name`,
      );
    }
    const key = keyOf(namespace, agent);
    const entry = this.entryOf(key);
    const content = contentOf(parsed.data);
    const previous = entry.stored;
    if (previous && entry.content === content) {
      if (previous.origin === 'restored') entry.stored = { ...previous, origin: 'published' };
      return { version: previous.version, changed: false };
    }
    const versionNumber = nextPolicyVersion(previous?.versionNumber ?? 0, this.now(), entry.highestSeen);
    this.put(key, entry, parsed.data, versionNumber, 'published', content);
    return { version: String(versionNumber), changed: true };
  }

  /**
   * Takes a policy read back from the ConfigMap mirror (on start). It becomes the agent's policy
   * only when the store has none or an older one; otherwise it only raises the version floor.
   * Returns true when it was taken.
   */
  restore(policy: EffectivePolicy): boolean {
    const versionNumber = parsePolicyVersion(policy.version);
    if (versionNumber === undefined) return false;
    const key = keyOf(policy.agent.namespace, policy.agent.name);
    const entry = this.entryOf(key);
    const current = entry.stored;
    if (current && current.versionNumber >= versionNumber) return false;
    if (current?.origin === 'published') {
      entry.highestSeen = Math.max(entry.highestSeen, versionNumber);
      return false;
    }
    this.put(key, entry, policy, versionNumber, 'restored', contentOf(policy));
    return true;
  }

  /** The agent's policy now. */
  get(namespace: string, agent: string): StoredPolicy | undefined {
    return this.entries.get(keyOf(namespace, agent))?.stored;
  }

  /** Forgets the agent's policy (its workloads are gone); the mirror deletes its ConfigMap. */
  remove(namespace: string, agent: string): boolean {
    const key = keyOf(namespace, agent);
    if (!this.entries.get(key)?.stored) return false;
    this.entries.delete(key);
    this.emit({ type: 'removed', namespace, agent });
    this.notify(key, undefined);
    return true;
  }

  /**
   * A sidecar says it holds `version`: the agent's next version will be above it. Only for known
   * agents (clients cannot grow the store with names of their choosing), and only for versions
   * that could be real — not beyond a day ahead of the clock (a client cannot push versions to the
   * end of the safe integers).
   */
  noteHeldVersion(namespace: string, agent: string, version: string): void {
    const held = parsePolicyVersion(version);
    const entry = this.entries.get(keyOf(namespace, agent));
    if (held === undefined || !entry?.stored) return;
    if (held > Math.max(entry.stored.versionNumber, this.now()) + HELD_VERSION_AHEAD_MS) return;
    entry.highestSeen = Math.max(entry.highestSeen, held);
  }

  /** Every policy stored. */
  all(): StoredPolicy[] {
    return [...this.entries.values()].flatMap((entry) => (entry.stored ? [entry.stored] : []));
  }

  get size(): number {
    return this.all().length;
  }

  /** Calls `listener` whenever this agent's policy changes or is removed; returns the unsubscribe. */
  watch(namespace: string, agent: string, listener: (policy: StoredPolicy | undefined) => void): () => void {
    const key = keyOf(namespace, agent);
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.watchers.get(key);
      current?.delete(listener);
      if (current?.size === 0) this.watchers.delete(key);
    };
  }

  /** Calls `listener` on every change of any agent (the mirror); returns the unsubscribe. */
  subscribe(listener: (change: PolicyChange) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  private entryOf(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { stored: undefined, content: undefined, highestSeen: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private put(
    key: string,
    entry: Entry,
    policy: EffectivePolicy,
    versionNumber: number,
    origin: PolicyOrigin,
    content: string,
  ): void {
    const version = String(versionNumber);
    const served: EffectivePolicy = { ...policy, version };
    const stored: StoredPolicy = {
      namespace: policy.agent.namespace,
      agent: policy.agent.name,
      version,
      versionNumber,
      policy: served,
      body: JSON.stringify(served),
      origin,
    };
    entry.stored = stored;
    entry.content = content;
    if (origin === 'published') this.emit({ type: 'published', policy: stored });
    this.notify(key, stored);
  }

  private emit(change: PolicyChange): void {
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(change);
      } catch {
        // A subscriber's failure must not keep the policy from the others; they report their own.
      }
    }
  }

  private notify(key: string, policy: StoredPolicy | undefined): void {
    const set = this.watchers.get(key);
    if (!set) return;
    for (const watcher of [...set]) {
      try {
        watcher(policy);
      } catch {
        // Same as above: one waiter must not keep the change from the others.
      }
    }
  }
}

function keyOf(namespace: string, agent: string): string {
  return `${namespace}/${agent}`;
}

function contentOf(policy: EffectivePolicy): string {
  const { version: _version, generatedAt: _generatedAt, ...content } = policy;
  return JSON.stringify(content);
}
