// The de-duplication rule of the work queue, per key, as a pure state machine:
// a key queued twice is processed once; a key re-added while being processed is processed again
// after (never twice at the same time). `enqueue` says when the key joins the FIFO.

export type KeyState = 'idle' | 'queued' | 'processing' | 'processing-dirty';
export type KeyEvent = 'add' | 'start' | 'finish';

export interface KeyTransition {
  next: KeyState;
  /** Push the key onto the FIFO of ready keys. */
  enqueue: boolean;
}

const table: Record<KeyState, Partial<Record<KeyEvent, KeyTransition>>> = {
  idle: { add: { next: 'queued', enqueue: true } },
  queued: { add: { next: 'queued', enqueue: false }, start: { next: 'processing', enqueue: false } },
  processing: {
    add: { next: 'processing-dirty', enqueue: false },
    finish: { next: 'idle', enqueue: false },
  },
  'processing-dirty': {
    add: { next: 'processing-dirty', enqueue: false },
    finish: { next: 'queued', enqueue: true },
  },
};

export function keyTransition(state: KeyState, event: KeyEvent): KeyTransition {
  const transition = table[state][event];
  if (!transition) {
    // A runtime bug (e.g. finishing a key that was never started), never a user's doing.
    throw new Error(`work queue: "${event}" is not possible for a key that is ${state}`);
  }
  return transition;
}
