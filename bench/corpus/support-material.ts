/** What the support conversations of the corpus are made of: the agent's prompt, the shop, the questions, the help centre. */

export const SUPPORT_SYSTEM = `You are Nova, the customer-support agent of Northwind Home, an online shop for furniture, lighting and kitchenware that ships across the EU.

Your job:
- Answer questions about orders, deliveries, returns, refunds, warranties and accounts.
- Always look the customer up with get_customer before talking about their orders, and use list_orders / get_order for order facts. Never guess an order's status.
- Search the help centre with search_kb before explaining a policy, and quote the policy as written.
- Open a ticket with create_ticket when something needs a person: damaged goods, a lost parcel, a refund above €500, anything legal.

Policies you must follow:
- Returns: 30 days from delivery, items unused and in their packaging. Large furniture is collected by the carrier; the customer does not pay for collection when the item is faulty.
- Refunds go back to the original payment method within 14 days of the return being received.
- Warranty: 2 years on everything, 5 years on sofas and mattresses.
- Never share another customer's data. Never promise a delivery date the carrier has not given.
- If the customer is upset, acknowledge it once, then solve the problem.

Style: friendly, brief, plain language. Use the customer's first name. Use a short list when you give more than three facts. Answer in the customer's language.`;

export const PRODUCTS = [
  { name: 'Oslo 3-seat sofa, oat linen', sku: 'SOF-OSL-3-OAT', price: 899 },
  { name: 'Aalto pendant lamp, brass', sku: 'LGT-AAL-PND-BR', price: 149 },
  { name: 'Fjord oak dining table 180', sku: 'TBL-FJD-180-OAK', price: 749 },
  { name: 'Kyoto cast-iron casserole 5L', sku: 'KIT-KYO-CI-5L', price: 119 },
  { name: 'Lund pocket-spring mattress 160', sku: 'MAT-LND-PS-160', price: 629 },
  { name: 'Brera linen duvet cover', sku: 'BED-BRE-LIN-DC', price: 89 },
  { name: 'Halden bookshelf, walnut', sku: 'SHL-HAL-WAL', price: 399 },
  { name: 'Sienna ceramic plates (set of 6)', sku: 'KIT-SIE-PL-6', price: 59 },
  { name: 'Tromsø wool rug 200x300', sku: 'RUG-TRO-200', price: 479 },
  { name: 'Porto desk lamp, matte black', sku: 'LGT-POR-DSK-BK', price: 79 },
  { name: 'Bergen office chair', sku: 'CHR-BRG-OFF', price: 329 },
  { name: 'Milano espresso cups (set of 4)', sku: 'KIT-MIL-ESP-4', price: 39 },
];

export interface SupportAsk {
  text: string;
  /** The tools the agent uses to answer it. */
  tools: string[];
  /** The help-centre topic it touches. */
  kb: string;
}

export const SUPPORT_ASKS: SupportAsk[] = [
  {
    text: 'Hi, where is my order {order}? It was supposed to arrive yesterday.',
    tools: ['get_order'],
    kb: 'delivery',
  },
  {
    text: 'Can you list everything I ordered this year? I need it for my accounts.',
    tools: ['list_orders'],
    kb: 'invoices',
  },
  {
    text: 'The {product} arrived damaged, one corner is crushed. What do I do?',
    tools: ['get_order', 'search_kb', 'create_ticket'],
    kb: 'damaged',
  },
  {
    text: 'I want to return the {product}. How does that work?',
    tools: ['get_order', 'search_kb'],
    kb: 'returns',
  },
  { text: 'When will I get my refund for {order}?', tools: ['get_order', 'search_kb'], kb: 'refunds' },
  {
    text: 'Is the {product} still under warranty? The stitching is coming loose.',
    tools: ['get_order', 'search_kb'],
    kb: 'warranty',
  },
  {
    text: 'The tracking for {order} has not moved in four days. Is it lost?',
    tools: ['get_order', 'search_kb', 'create_ticket'],
    kb: 'delivery',
  },
  {
    text: 'Can I change the delivery address for {order}? I will be at my parents in another city.',
    tools: ['get_order', 'search_kb'],
    kb: 'delivery',
  },
  { text: 'Which of my orders are still open?', tools: ['list_orders'], kb: 'delivery' },
  {
    text: 'I was charged twice for {order}. Please check.',
    tools: ['get_order', 'list_orders', 'create_ticket'],
    kb: 'refunds',
  },
  {
    text: 'Do you collect the old mattress when you deliver the {product}?',
    tools: ['search_kb'],
    kb: 'collection',
  },
  {
    text: 'Thanks. And what about the other parcel, the one with {carrier}?',
    tools: ['list_orders', 'get_order'],
    kb: 'delivery',
  },
  {
    text: 'Can I get an invoice with my company VAT number for {order}?',
    tools: ['get_order', 'search_kb'],
    kb: 'invoices',
  },
  {
    text: 'ok, one more thing: can I cancel {order}, I found it cheaper elsewhere',
    tools: ['get_order', 'search_kb'],
    kb: 'returns',
  },
];

export interface KbArticle {
  id: string;
  title: string;
  updated: string;
  topics: string[];
  body: string;
}

export const KB_ARTICLES: KbArticle[] = [
  {
    id: 'returns-30-days',
    title: 'Returning an item within 30 days',
    updated: '2026-09-02',
    topics: ['returns'],
    body: `You can return any item within 30 days of delivery, as long as it is unused and in its original packaging.

1. Open **My orders**, choose the order and select **Return items**.
2. Pick the items and a reason. For small items we email you a prepaid label; drop the parcel at any partner service point.
3. Large furniture (sofas, tables, shelves, mattresses) is collected: the carrier contacts you within 3 business days to book a slot.

Collection is free when the item is faulty or was delivered damaged. Otherwise a collection fee of €49 is deducted from the refund. Opened mattresses can be returned only if faulty, for hygiene reasons. Custom-made items (made-to-measure curtains, engraved items) cannot be returned unless faulty.`,
  },
  {
    id: 'refund-timing',
    title: 'When will I get my refund?',
    updated: '2026-08-14',
    topics: ['refunds', 'returns'],
    body: `We refund within 14 days of receiving your return, to the payment method you used.

- Card payments: 5–10 business days after we issue the refund, depending on your bank.
- PayPal: usually within 24 hours.
- Bank transfer and invoice (Klarna): 3–5 business days.
- Gift cards are refunded as a new gift card, at once.

If you were charged twice, the second charge is usually a pre-authorisation that your bank releases by itself within 7 days. If it is still there after 7 days, contact us with a screenshot of your bank statement and we open a ticket with our payments team.`,
  },
  {
    id: 'damaged-delivery',
    title: 'My item arrived damaged',
    updated: '2026-10-01',
    topics: ['damaged', 'warranty'],
    body: `We are sorry! Please do not throw away the packaging yet.

1. Take photos of the damage, the packaging and the shipping label within 48 hours of delivery.
2. Contact us with the photos; we open a ticket with the carrier.
3. You choose: a replacement (shipped as soon as it is in stock), a spare part when one exists (for example a sofa leg or a lamp shade), or a full refund including delivery costs.

The carrier may want to inspect the item; we tell you if so. You never pay for collecting a damaged item.`,
  },
  {
    id: 'warranty-terms',
    title: 'Warranty: what is covered and for how long',
    updated: '2026-05-20',
    topics: ['warranty'],
    body: `Everything we sell has a 2-year warranty from the delivery date. Sofas and mattresses have 5 years on the frame and the springs.

Covered: manufacturing faults, such as seams that come apart under normal use, broken frames, wobbly joints, electrical faults in lamps, cracked enamel on cast iron not caused by a fall.

Not covered: normal wear (fabric pilling, fading in direct sunlight), damage from misuse, pets or cleaning with the wrong products, and items modified after delivery.

To claim, send photos and the order number. We repair, replace or refund, in that order of preference.`,
  },
  {
    id: 'delivery-tracking',
    title: 'Tracking a delivery and what the statuses mean',
    updated: '2026-07-11',
    topics: ['delivery'],
    body: `Every order gets a tracking link by email once it ships.

- **processing**: we are picking and packing; it can still be cancelled.
- **shipped**: handed to the carrier, usually 1–2 days before the first scan.
- **in transit**: moving through the carrier's network. No new scan for up to 3 business days is normal across borders.
- **delivered**: the carrier has confirmed delivery.

If there is no new scan for 5 business days, we open an investigation with the carrier; if the parcel is not found within 10 business days we send a replacement or refund you. You cannot change the address of an order once it has shipped, but most carriers let you redirect a parcel to a service point from their tracking page.`,
  },
  {
    id: 'furniture-collection',
    title: 'Collection of old furniture and mattresses',
    updated: '2026-03-03',
    topics: ['collection'],
    body: `When we deliver a sofa or a mattress, we can take your old one away for recycling for €35. Book it at checkout or up to 2 days before delivery from **My orders**.

The old item must be ready at the door, free of bedding, and of similar size to the new one. We cannot collect items with pests or mould, or items from a different floor than the delivery.`,
  },
  {
    id: 'invoices-vat',
    title: 'Invoices and VAT numbers',
    updated: '2026-02-17',
    topics: ['invoices'],
    body: `Invoices are in **My orders** as PDF once an order ships. To add a company name and VAT number, open the order and choose **Edit invoice details** within 30 days of delivery; we issue a new invoice and cancel the old one.

We cannot issue invoices for orders older than 12 months from the account page; contact us for those. A yearly overview of your orders can be downloaded from **Account → Order history → Export (CSV)**.`,
  },
  {
    id: 'cancel-order',
    title: 'Cancelling an order',
    updated: '2026-06-09',
    topics: ['returns'],
    body: `You can cancel an order yourself while its status is **processing**: open the order and choose **Cancel**. The refund is issued at once.

Once an order has shipped, it cannot be cancelled; refuse the delivery or return it within 30 days instead (see *Returning an item within 30 days*). Made-to-measure items cannot be cancelled once production has started.`,
  },
  {
    id: 'address-change',
    title: 'Changing the delivery address',
    updated: '2026-04-28',
    topics: ['delivery'],
    body: `While an order is **processing**, you can change its address under **My orders → Change address**. Deliveries are possible only within the country of the original address.

After it ships, the address cannot be changed by us. DHL, UPS and GLS let you redirect the parcel to a service point from the tracking page; La Poste and DPD let you choose a new delivery day.`,
  },
];
