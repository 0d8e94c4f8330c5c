import { describe, expect, it } from 'vitest';
import { RendererRecovery } from '../../../main/windows/renderer-recovery.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RendererRecovery: crashes', () => {
  it('reloads after the first and second crash and shows the error page on the third within a minute', () => {
    const t = clock();
    const recovery = new RendererRecovery(t.now);
    expect(recovery.crashed()).toEqual({ action: 'reload', crashesInPeriod: 1 });
    t.advance(20_000);
    expect(recovery.crashed()).toEqual({ action: 'reload', crashesInPeriod: 2 });
    t.advance(20_000);
    expect(recovery.crashed()).toEqual({ action: 'error-page', crashesInPeriod: 3 });
  });

  it('forgets crashes older than the period, so a rare crash always reloads', () => {
    const t = clock();
    const recovery = new RendererRecovery(t.now);
    for (let i = 0; i < 10; i += 1) {
      expect(recovery.crashed().action).toBe('reload');
      t.advance(30_001);
    }
  });

  it('counts exactly the crashes inside the sliding window', () => {
    const t = clock();
    const recovery = new RendererRecovery(t.now, { maxCrashes: 3, periodMs: 60_000, hangMs: 10_000 });
    recovery.crashed();
    t.advance(59_999);
    recovery.crashed();
    t.advance(1);
    // The first crash is now exactly 60 s old: out of the window.
    expect(recovery.crashed()).toEqual({ action: 'reload', crashesInPeriod: 2 });
  });
});

describe('RendererRecovery: hangs', () => {
  it('kills a renderer that stays unresponsive for the hang time', () => {
    const t = clock();
    const recovery = new RendererRecovery(t.now);
    expect(recovery.unresponsive()).toBe(10_000);
    t.advance(4_000);
    // Electron repeats the event; the clock keeps running from the first one.
    expect(recovery.unresponsive()).toBe(6_000);
    t.advance(5_999);
    expect(recovery.hangCheck()).toEqual({ action: 'wait', ms: 1 });
    t.advance(1);
    expect(recovery.hangCheck()).toEqual({ action: 'kill' });
    expect(recovery.hangCheck()).toEqual({ action: 'none' });
  });

  it('does nothing when the window answers again in time', () => {
    const t = clock();
    const recovery = new RendererRecovery(t.now);
    recovery.unresponsive();
    t.advance(9_000);
    recovery.responsive();
    t.advance(5_000);
    expect(recovery.hangCheck()).toEqual({ action: 'none' });
    // A later hang starts its own full wait.
    expect(recovery.unresponsive()).toBe(10_000);
  });

  it('counts a killed hang as a crash, so a page that hangs on every load ends on the error page', () => {
    const t = clock();
    const recovery = new RendererRecovery(t.now);
    const actions: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      t.advance(recovery.unresponsive());
      expect(recovery.hangCheck().action).toBe('kill');
      actions.push(recovery.crashed().action);
      t.advance(2_000);
    }
    expect(actions).toEqual(['reload', 'reload', 'error-page']);
  });

  it('a crash while unresponsive clears the hang', () => {
    const t = clock();
    const recovery = new RendererRecovery(t.now);
    recovery.unresponsive();
    recovery.crashed();
    t.advance(20_000);
    expect(recovery.hangCheck()).toEqual({ action: 'none' });
  });
});
