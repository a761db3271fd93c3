// The keys a controller has seen, by namespace: a change to a namespaced policy or a Namespace maps
// to the keys of that namespace, a cluster-scoped policy to all. Watches' mapToKeys only get the
// changed object, so the controller notes keys as their objects pass by and forgets a key when its
// reconcile finds it gone. Over-approximating is harmless: a reconcile of a gone key is a no-op.
import type { ObjectKey } from '../kube/kube-object.js';

export class KeyIndex {
  private readonly byNamespace = new Map<string, Set<string>>();

  note(namespace: string, name: string): ObjectKey {
    let names = this.byNamespace.get(namespace);
    if (!names) {
      names = new Set();
      this.byNamespace.set(namespace, names);
    }
    names.add(name);
    return { namespace, name };
  }

  forget(namespace: string, name: string): void {
    const names = this.byNamespace.get(namespace);
    names?.delete(name);
    if (names?.size === 0) this.byNamespace.delete(namespace);
  }

  inNamespace(namespace: string): ObjectKey[] {
    return [...(this.byNamespace.get(namespace) ?? [])].map((name) => ({ namespace, name }));
  }

  all(): ObjectKey[] {
    return [...this.byNamespace.keys()].flatMap((namespace) => this.inNamespace(namespace));
  }
}
