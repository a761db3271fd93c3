// An alert webhook receiver on 127.0.0.1 that records every delivery with its alert id and
// threshold, and can hold the deliveries of one threshold unanswered — so a suite can kill the
// operator at a known point: workloads acted on, the alert sent, its acknowledgement not yet read.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALERT_ID_HEADER } from '../../controllers/token-budget/alert-signature.js';

export interface AlertDelivery {
  id: string;
  threshold: number;
  /** Held unanswered (the sender never learnt it arrived). */
  held: boolean;
}

export interface HoldingAlertReceiver {
  url: string;
  deliveries: AlertDelivery[];
  /** Deliveries of this threshold are held unanswered while set. */
  hold: number | undefined;
  /** Distinct alert ids delivered for `threshold` (a receiver de-duplicates by id). */
  idsFor(threshold: number): string[];
  close(): Promise<void>;
}

export async function startHoldingAlertReceiver(): Promise<HoldingAlertReceiver> {
  const deliveries: AlertDelivery[] = [];
  const held: ServerResponse[] = [];
  const state: { hold: number | undefined } = { hold: undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { threshold } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { threshold: number };
      const hold = state.hold === threshold;
      deliveries.push({ id: String(req.headers[ALERT_ID_HEADER] ?? ''), threshold, held: hold });
      if (hold) held.push(res);
      else res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    deliveries,
    get hold() {
      return state.hold;
    },
    set hold(threshold) {
      state.hold = threshold;
    },
    idsFor: (threshold) => [...new Set(deliveries.filter((d) => d.threshold === threshold).map((d) => d.id))],
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
