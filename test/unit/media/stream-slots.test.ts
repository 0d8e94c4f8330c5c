import { describe, expect, it } from 'vitest';
import { MAX_VIEWERS, MAX_VIEWERS_PER_WINDOW, StreamSlots } from '../../../main/media/stream-slots.js';

describe('StreamSlots', () => {
  it('a real 8×8 wall touring 8×8 layouts (64 on screen, 64 preloaded, 64 reopening) never hits the per-window cap', () => {
    const slots = new StreamSlots();
    for (let i = 0; i < 3 * 64; i += 1) slots.take('window 1');
    expect(slots.heldBy('window 1')).toBe(MAX_VIEWERS_PER_WINDOW);
    expect(() => slots.take('window 1')).toThrow(expect.objectContaining({ error: expect.objectContaining({ code: 'conflict', detail: { limit: 'per-window', max: MAX_VIEWERS_PER_WINDOW } }) }));
    // Two more such walls fit under the total.
    expect(MAX_VIEWERS).toBeGreaterThanOrEqual(2 * MAX_VIEWERS_PER_WINDOW + 64);
  });

  it('one window at its cap leaves the others their slots; the total still bounds all windows together', () => {
    const slots = new StreamSlots({ total: 4, perWindow: 2 });
    slots.take('a');
    slots.take('a');
    expect(() => slots.take('a')).toThrow(/This window already has 2/);
    slots.take('b');
    slots.take('c');
    expect(() => slots.take('d')).toThrow(expect.objectContaining({ error: expect.objectContaining({ detail: { limit: 'total', max: 4 } }) }));
    expect(slots.inUse).toBe(4);
  });

  it('release gives a slot back once; releasing what is not held changes nothing', () => {
    const slots = new StreamSlots({ total: 2, perWindow: 1 });
    slots.take('a');
    slots.release('a');
    slots.release('a');
    slots.release('nobody');
    expect(slots.inUse).toBe(0);
    slots.take('a');
    slots.take('b');
    expect(slots.inUse).toBe(2);
  });
});
