/**
 * Writes the compression benchmark's corpus, `bench/corpus/support.jsonl` and `bench/corpus/rag.jsonl`:
 * multi-turn conversations of a customer-support agent and of a retrieval (RAG) agent, in the OpenAI
 * chat shape, with tool calls and their results, retrieved documents and the repetition real agents
 * produce (the same order list fetched again, the same article retrieved for a follow-up question, a
 * log pasted twice). Seeded: the same seed writes the same bytes. `npm run bench:corpus`
 * (`-- --seed N --conversations N`); bench/corpus/README.md says how it is built.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { RAG_CHUNKS, RAG_QUESTIONS, RAG_SYSTEM } from './rag-material.js';
import { KB_ARTICLES, PRODUCTS, SUPPORT_ASKS, SUPPORT_SYSTEM } from './support-material.js';

type Message = Record<string, unknown>;

/** mulberry32: small, seeded, the same sequence on every platform. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(readonly random: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  some<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < n && pool.length > 0)
      out.push(pool.splice(Math.floor(this.random() * pool.length), 1)[0] as T);
    return out;
  }
}

const FIRST = [
  'Ana',
  'Ben',
  'Chloé',
  'Dario',
  'Eun-ji',
  'Farah',
  'Gustav',
  'Hana',
  'Ivan',
  'Jonas',
  'Kemi',
  'Lena',
];
const LAST = [
  'Moreau',
  'Schmidt',
  'Okafor',
  'Rossi',
  'Kim',
  'Haddad',
  'Lindqvist',
  'Sato',
  'Petrov',
  'Weber',
];
const CITIES = ['Lyon', 'Hamburg', 'Lagos', 'Turin', 'Busan', 'Beirut', 'Malmö', 'Osaka', 'Sofia', 'Graz'];
const STATUSES = ['delivered', 'shipped', 'in transit', 'processing', 'returned', 'cancelled'];
const CARRIERS = ['DHL', 'UPS', 'La Poste', 'GLS', 'DPD'];

let callCounter = 0;
const callId = () => `call_${(++callCounter).toString(36).padStart(6, '0')}`;

function toolCall(name: string, args: Record<string, unknown>): { id: string; message: Message } {
  const id = callId();
  return {
    id,
    message: {
      role: 'assistant',
      content: null,
      tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
    },
  };
}

/** A customer with orders: what the support tools return about them. */
function customer(d: Dice) {
  const first = d.pick(FIRST);
  const last = d.pick(LAST);
  const id = `cus_${d.int(100000, 999999)}`;
  const orders = Array.from({ length: d.int(14, 36) }, (_, i) => {
    const product = d.pick(PRODUCTS);
    return {
      id: `ORD-${d.int(20000, 89999)}`,
      date: `2026-${String(d.int(1, 11)).padStart(2, '0')}-${String(d.int(1, 28)).padStart(2, '0')}`,
      product: product.name,
      sku: product.sku,
      qty: d.int(1, 3),
      total: (product.price * d.int(1, 3)).toFixed(2),
      status: d.pick(STATUSES),
      carrier: d.pick(CARRIERS),
      index: i,
    };
  });
  return {
    id,
    name: `${first} ${last}`,
    email: `${first
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '')}.${last.toLowerCase()}@example.com`,
    city: d.pick(CITIES),
    tier: d.pick(['standard', 'plus', 'business']),
    since: `20${d.int(15, 25)}-0${d.int(1, 9)}-1${d.int(0, 9)}`,
    orders,
  };
}

type Customer = ReturnType<typeof customer>;

function profileJson(c: Customer): string {
  return JSON.stringify(
    {
      id: c.id,
      name: c.name,
      email: c.email,
      address: { city: c.city, country: 'EU', verified: true },
      tier: c.tier,
      customer_since: c.since,
      lifetime_orders: c.orders.length,
      open_tickets: [],
      preferences: { language: 'en', marketing_emails: false, sms_updates: true },
      flags: { fraud_review: false, vip: c.tier === 'business' },
    },
    null,
    2,
  );
}

/** A padded table, as a CLI-style tool prints it: columns aligned with runs of spaces. */
function ordersTable(c: Customer): string {
  const header = `ORDER        DATE         PRODUCT                          QTY   TOTAL      STATUS        CARRIER`;
  const rows = c.orders.map(
    (o) =>
      `${o.id.padEnd(12)} ${o.date.padEnd(12)} ${o.product.padEnd(32)} ${String(o.qty).padEnd(5)} ${`€${o.total}`.padEnd(10)} ${o.status.padEnd(13)} ${o.carrier}`,
  );
  return [header, ...rows, '', `${c.orders.length} orders for ${c.id}`].join('\n');
}

function orderJson(c: Customer, o: Customer['orders'][number], d: Dice): string {
  return JSON.stringify(
    {
      id: o.id,
      customer: c.id,
      placed_at: `${o.date}T${String(d.int(8, 21)).padStart(2, '0')}:${String(d.int(10, 59))}:00Z`,
      lines: [
        { sku: o.sku, name: o.product, quantity: o.qty, unit_price: (Number(o.total) / o.qty).toFixed(2) },
      ],
      total: o.total,
      currency: 'EUR',
      status: o.status,
      shipment: {
        carrier: o.carrier,
        tracking: `${o.carrier.slice(0, 2).toUpperCase()}${d.int(100000000, 999999999)}`,
        events: [
          { at: o.date, what: 'label created' },
          { at: o.date, what: 'picked up' },
          { at: o.date, what: o.status === 'delivered' ? 'delivered to the door' : 'at the sorting centre' },
        ],
      },
      returnable_until: `2026-12-${String(d.int(10, 28))}`,
    },
    null,
    2,
  );
}

function kbResult(articles: readonly (typeof KB_ARTICLES)[number][]): string {
  return articles
    .map((a, i) => `### Result ${i + 1}: ${a.title} (kb/${a.id}, updated ${a.updated})\n\n${a.body}`)
    .join('\n\n');
}

function fill(template: string, c: Customer, o: Customer['orders'][number]): string {
  return template
    .replaceAll('{order}', o.id)
    .replaceAll('{product}', o.product)
    .replaceAll('{name}', c.name.split(' ')[0] as string)
    .replaceAll('{email}', c.email)
    .replaceAll('{carrier}', o.carrier);
}

const SUPPORT_ANSWERS = [
  'I checked order {order}: the {product} is {status} with {carrier}. I have added a note to your account so the team sees it.',
  'Thanks for waiting, {name}. Order {order} ({product}) shows as {status}. Per our policy you can return it within 30 days of delivery; I can start that for you now if you like.',
  'Here is what I found:\n\n- **Order:** {order}\n- **Item:** {product}\n- **Status:** {status}\n- **Carrier:** {carrier}\n\nIs there anything else about this order?',
  'I have opened ticket {ticket} for order {order}. Our logistics team answers within one business day, and you will get an email at {email}.',
  'The refund for {order} is approved. It goes back to your original payment method; banks usually show it within 5 to 10 business days.',
];

/** One support conversation: a customer, 8–22 user turns, each a question and the agent's tool work. */
function supportConversation(d: Dice, n: number): Message {
  const c = customer(d);
  const messages: Message[] = [{ role: 'system', content: SUPPORT_SYSTEM }];
  const turns = d.int(8, 22);
  let profileShown = false;
  for (let t = 0; t < turns; t++) {
    const o = d.pick(c.orders);
    const ask = d.pick(SUPPORT_ASKS);
    let question = fill(ask.text, c, o);
    // People paste what they were sent, and paste it again when the answer did not help.
    if (d.chance(0.15)) {
      question += `\n\nThis is the email I got:\n\n> Dear customer,\n>\n> your parcel ${o.id} could not be delivered on ${o.date} because nobody was at home.\n> It is waiting at the ${o.carrier} service point in ${c.city} for 7 days.\n> Please bring an ID and this notice.\n>\n> Kind regards, ${o.carrier} customer service`;
    }
    messages.push({ role: 'user', content: question });
    if (!profileShown || d.chance(0.2)) {
      const call = toolCall('get_customer', { email: c.email });
      messages.push(call.message, { role: 'tool', tool_call_id: call.id, content: profileJson(c) });
      profileShown = true;
    }
    if (ask.tools.includes('list_orders') || d.chance(0.3)) {
      const call = toolCall('list_orders', { customer_id: c.id, limit: 50 });
      messages.push(call.message, { role: 'tool', tool_call_id: call.id, content: ordersTable(c) });
    }
    if (ask.tools.includes('get_order')) {
      const call = toolCall('get_order', { order_id: o.id });
      messages.push(call.message, { role: 'tool', tool_call_id: call.id, content: orderJson(c, o, d) });
    }
    if (ask.tools.includes('search_kb')) {
      const call = toolCall('search_kb', { query: ask.kb, top_k: 3 });
      const articles = KB_ARTICLES.filter((a) => a.topics.includes(ask.kb)).slice(0, 3);
      const hits = articles.length > 0 ? articles : d.some(KB_ARTICLES, 3);
      messages.push(call.message, { role: 'tool', tool_call_id: call.id, content: kbResult(hits) });
    }
    if (ask.tools.includes('create_ticket')) {
      const call = toolCall('create_ticket', { customer_id: c.id, order_id: o.id, reason: ask.kb });
      messages.push(call.message, {
        role: 'tool',
        tool_call_id: call.id,
        content: JSON.stringify(
          { ticket: `T-${d.int(10000, 99999)}`, queue: 'logistics', sla_hours: 24 },
          null,
          2,
        ),
      });
    }
    const answer = d
      .pick(SUPPORT_ANSWERS)
      .replaceAll('{status}', o.status)
      .replaceAll('{ticket}', `T-${d.int(10000, 99999)}`);
    messages.push({ role: 'assistant', content: fill(answer, c, o) });
  }
  return { id: `support-${String(n).padStart(3, '0')}`, kind: 'support', model: 'gpt-4o', messages };
}

/** One RAG conversation: 8–20 questions about one product area, each answered from retrieved chunks. */
function ragConversation(d: Dice, n: number): Message {
  const messages: Message[] = [{ role: 'system', content: RAG_SYSTEM }];
  const area = d.pick([...new Set(RAG_CHUNKS.map((c) => c.area))]);
  const inArea = RAG_CHUNKS.filter((c) => c.area === area);
  const questions = RAG_QUESTIONS.filter((q) => q.area === area);
  const turns = d.int(8, 20);
  let pasted: string | undefined;
  for (let t = 0; t < turns; t++) {
    const q = d.pick(questions);
    let text = q.text;
    if (pasted === undefined && d.chance(0.25)) {
      pasted = `Here is my config:\n\n\`\`\`yaml\nstorage:\n  bucket: team-${d.int(1, 99)}-archive\n  region: eu-central\n  lifecycle:\n    - after: 30d\n      moveTo: cold\n    - after: 365d\n      delete: true\n  replication:\n    enabled: true\n    target: eu-west\nauth:\n  mode: service-account\n  rotateKeysEvery: 90d\n\`\`\``;
      text += `\n\n${pasted}`;
    } else if (pasted !== undefined && d.chance(0.2)) {
      text += `\n\nSame config as before:\n\n${pasted}`;
    }
    messages.push({ role: 'user', content: text });
    // Follow-up questions retrieve mostly the same chunks again: the topic has not changed.
    const call = toolCall('retrieve', { query: q.text.slice(0, 80), top_k: 5, filter: { area } });
    const hits = d.some(inArea, Math.min(5, inArea.length));
    const result = hits
      .map(
        (h, i) =>
          `[doc ${i + 1}] id=${h.id} score=${(0.92 - i * 0.07).toFixed(2)} source=${h.source}\n${h.text}`,
      )
      .join('\n\n---\n\n');
    messages.push(call.message, { role: 'tool', tool_call_id: call.id, content: result });
    if (d.chance(0.3)) {
      const more = toolCall('retrieve', { query: `${area} limits and quotas`, top_k: 3, filter: { area } });
      const extra = d.some(inArea, 3);
      messages.push(more.message, {
        role: 'tool',
        tool_call_id: more.id,
        content: extra
          .map((h, i) => `[doc ${i + 1}] id=${h.id} source=${h.source}\n${h.text}`)
          .join('\n\n---\n\n'),
      });
    }
    const cited = hits.slice(0, 2);
    messages.push({
      role: 'assistant',
      content: `${q.answer}\n\nSources: ${cited.map((h) => `[${h.id}]`).join(', ')}.`,
    });
  }
  return { id: `rag-${String(n).padStart(3, '0')}`, kind: 'rag', model: 'gpt-4o', messages };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '49' },
      conversations: { type: 'string', default: '12' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'corpus') },
    },
  });
  const seed = Number(values.seed);
  const count = Number(values.conversations);
  for (const [file, make, offset] of [
    ['support.jsonl', supportConversation, 0],
    ['rag.jsonl', ragConversation, 1],
  ] as const) {
    callCounter = 0;
    const d = new Dice(seeded(seed * 2 + offset));
    const lines = Array.from({ length: count }, (_, i) => JSON.stringify(make(d, i + 1)));
    writeFileSync(join(values.out, file), `${lines.join('\n')}\n`);
    console.log(
      `wrote ${join(values.out, file)}: ${count} conversations, ${(lines.join('\n').length / 1024).toFixed(0)} KB`,
    );
  }
}

if (process.argv[1]?.endsWith('generate-corpus.js')) main();
