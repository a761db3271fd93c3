// The gateway's /metrics: one registry per agent's pipeline (each labelled with its agent) and the
// gateway's own, rendered apart and merged here into one exposition where every metric family
// appears once — Prometheus refuses a family whose HELP and TYPE come twice. Pure.

/** Merges Prometheus text expositions: each family's HELP and TYPE once, its samples from all. */
export function mergedExposition(texts: readonly string[]): string {
  const families = new Map<string, { head: string[]; samples: string[] }>();
  for (const text of texts) {
    let current: { head: string[]; samples: string[] } | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        const name = meta[2] as string;
        let family = families.get(name);
        if (!family) {
          family = { head: [], samples: [] };
          families.set(name, family);
        }
        if (family.head.length < 2 && !family.head.some((h) => h.startsWith(`# ${meta[1]} `))) {
          family.head.push(line);
        }
        current = family;
        continue;
      }
      if (line.startsWith('#')) continue;
      current?.samples.push(line);
    }
  }
  let out = '';
  for (const { head, samples } of families.values()) {
    out += `${head.join('\n')}\n`;
    if (samples.length > 0) out += `${samples.join('\n')}\n`;
  }
  return out;
}
