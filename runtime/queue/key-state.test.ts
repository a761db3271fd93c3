import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type KeyEvent, type KeyState, keyTransition } from './key-state.js';

describe('keyTransition', () => {
  const allowed: Array<[KeyState, KeyEvent, KeyState, boolean, string]> = [
    ['idle', 'add', 'queued', true, 'a new key joins the queue'],
    ['queued', 'add', 'queued', false, 'a queued key added again stays queued once'],
    ['queued', 'start', 'processing', false, 'a worker takes it'],
    ['processing', 'add', 'processing-dirty', false, 'added while processing: remembered, not queued'],
    ['processing-dirty', 'add', 'processing-dirty', false, 'added twice while processing: still once'],
    ['processing', 'finish', 'idle', false, 'done and nothing new: forgotten'],
    ['processing-dirty', 'finish', 'queued', true, 'done but changed meanwhile: queued again'],
  ];
  for (const [state, event, next, enqueue, name] of allowed) {
    it(`${state} + ${event} → ${next}: ${name}`, () => {
      assert.deepEqual(keyTransition(state, event), { next, enqueue });
    });
  }

  const refused: Array<[KeyState, KeyEvent]> = [
    ['idle', 'start'],
    ['idle', 'finish'],
    ['queued', 'finish'],
    ['processing', 'start'],
    ['processing-dirty', 'start'],
  ];
  for (const [state, event] of refused) {
    it(`refuses ${event} for a key that is ${state}`, () => {
      assert.throws(() => keyTransition(state, event), new RegExp(`"${event}" is not possible`));
    });
  }
});
