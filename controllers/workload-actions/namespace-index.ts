// The names of a controller's policies (budgets, SLOs) per namespace, learnt from its own watch, so
// that a change to a workload or a ledger maps to the policies of its namespace (`mapToKeys` sees
// only the changed object). A deleted policy leaves at worst one extra reconcile that finds nothing
// and forgets it.
import type { KubeObject, ObjectKey } from '../../operator/kube/kube-object.js';

export class NamespaceIndex {
  private readonly names = new Map<string, Set<string>>();

  /** Records the policy; returns its key (use as the policy watch's mapToKeys). */
  note(object: KubeObject): ObjectKey[] {
    const namespace = object.metadata?.namespace;
    const name = object.metadata?.name;
    if (!namespace || !name) return [];
    let set = this.names.get(namespace);
    if (!set) {
      set = new Set();
      this.names.set(namespace, set);
    }
    set.add(name);
    return [{ namespace, name }];
  }

  forget(key: ObjectKey): void {
    if (!key.namespace) return;
    const set = this.names.get(key.namespace);
    set?.delete(key.name);
    if (set?.size === 0) this.names.delete(key.namespace);
  }

  /** Keys of every known policy in the namespace of `object`. */
  keysBeside(object: KubeObject): ObjectKey[] {
    const namespace = object.metadata?.namespace;
    if (!namespace) return [];
    return [...(this.names.get(namespace) ?? [])].map((name) => ({ namespace, name }));
  }
}
