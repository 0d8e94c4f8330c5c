import { describe, expect, it } from 'vitest';
import { defaultSettings, type Display } from '../../../preload/contract/index.js';
import { diffWindows, planWindows } from '../../../main/windows/window-plan.js';
import { isPermissionAllowed, isTrustedSenderUrl } from '../../../main/windows/security-policy.js';

const display = (id: string, primary = false, x = 0): Display => ({ id, label: id, primary, bounds: { x, y: 0, width: 1920, height: 1080 }, scaleFactor: 1 });

describe('planWindows', () => {
  it('plans one window per display with the remembered mode', () => {
    const plan = planWindows([display('1', true), display('2', false, 1920)], { ...defaultSettings, windowModes: { '2': 'kiosk' } });
    expect(plan.map((p) => [p.displayId, p.mode])).toEqual([
      ['1', 'windowed'],
      ['2', 'kiosk'],
    ]);
  });

  it('plans only the primary display when asked', () => {
    expect(planWindows([display('1'), display('2', true)], { ...defaultSettings, displays: 'primary' }).map((p) => p.displayId)).toEqual(['2']);
  });

  it('closes the window of an unplugged display, reopens it when it returns, and moves a resized one', () => {
    const both = planWindows([display('1', true), display('2', false, 1920)], defaultSettings);
    const one = planWindows([display('1', true)], defaultSettings);
    expect(diffWindows(both, one)).toEqual({ open: [], update: [], close: ['2'] });
    expect(diffWindows(one, both).open.map((w) => w.displayId)).toEqual(['2']);
    const moved = planWindows([display('1', true, 100)], defaultSettings);
    expect(diffWindows(one, moved).update.map((w) => w.displayId)).toEqual(['1']);
  });
});

describe('security policy', () => {
  it('trusts only frames of the app scheme', () => {
    expect(isTrustedSenderUrl('tessera://app/index.html?display=1')).toBe(true);
    expect(isTrustedSenderUrl('file:///tmp/index.html')).toBe(false);
    expect(isTrustedSenderUrl('https://evil.example/')).toBe(false);
    expect(isTrustedSenderUrl('tessera://other/index.html')).toBe(false);
    expect(isTrustedSenderUrl(undefined)).toBe(false);
  });

  it('grants fullscreen to app frames and nothing else', () => {
    expect(isPermissionAllowed('fullscreen', 'tessera://app/index.html')).toBe(true);
    expect(isPermissionAllowed('media', 'tessera://app/index.html')).toBe(false);
    expect(isPermissionAllowed('fullscreen', 'https://evil.example/')).toBe(false);
  });
});
