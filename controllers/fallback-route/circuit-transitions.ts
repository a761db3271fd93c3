// Which targets' aggregated circuits changed in a way a person should hear of (an Event): one that
// went Open, one that came back Closed from Open or HalfOpen. A target first reported Closed, or one
// whose reports aged out, is no news. Pure.

type Circuit = 'Closed' | 'Open' | 'HalfOpen';

/** Per target whose aggregated circuit went Open, or came back Closed: what an Event says. */
export function circuitTransitions(
  before: readonly { name: string; circuit?: Circuit }[] | undefined,
  after: readonly { name: string; circuit?: Circuit }[],
): { target: string; opened: boolean }[] {
  const previous = new Map((before ?? []).map((t) => [t.name, t.circuit]));
  const changes: { target: string; opened: boolean }[] = [];
  for (const t of after) {
    const was = previous.get(t.name);
    if (t.circuit === 'Open' && was !== 'Open') changes.push({ target: t.name, opened: true });
    if (t.circuit === 'Closed' && (was === 'Open' || was === 'HalfOpen'))
      changes.push({ target: t.name, opened: false });
  }
  return changes;
}
