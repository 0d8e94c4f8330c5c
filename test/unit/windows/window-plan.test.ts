import { describe, expect, it } from 'vitest';
import { defaultSettings, type Display } from '../../../preload/contract/index.js';
import { planWindows, toggledMode, windowActions } from '../../../main/windows/window-plan.js';
import { crashPageUrl, windowUrl } from '../../../main/windows/window-pages.js';
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

  it('uses the default mode for a display without a remembered one', () => {
    const plan = planWindows([display('1', true), display('2', false, 1920)], { ...defaultSettings, defaultWindowMode: 'fullscreen', windowModes: { '1': 'windowed' } });
    expect(plan.map((p) => p.mode)).toEqual(['windowed', 'fullscreen']);
  });

  it('reads only remembered modes, never a member of Object.prototype, whatever the display is called', () => {
    const plan = planWindows([display('constructor', true), display('toString', false, 1920)], { ...defaultSettings, windowModes: {} });
    expect(plan.map((p) => p.mode)).toEqual(['windowed', 'windowed']);
  });
});

describe('windowActions', () => {
  const two = [display('1', true), display('2', false, 1920)];

  it('does nothing when windows match the displays', () => {
    const plan = planWindows(two, defaultSettings);
    expect(windowActions(plan, plan)).toEqual([]);
  });

  it('opens a window for every display on start', () => {
    expect(windowActions([], planWindows(two, defaultSettings))).toEqual([
      { kind: 'open', plan: { displayId: '1', bounds: two[0]!.bounds, mode: 'windowed' } },
      { kind: 'open', plan: { displayId: '2', bounds: two[1]!.bounds, mode: 'windowed' } },
    ]);
  });

  it('closes the window of an unplugged display and reopens it, with its mode, when it returns', () => {
    const settings = { ...defaultSettings, windowModes: { '2': 'kiosk' as const } };
    const both = planWindows(two, settings);
    const one = planWindows([display('1', true)], settings);
    expect(windowActions(both, one)).toEqual([{ kind: 'close', displayId: '2' }]);
    expect(windowActions(one, both)).toEqual([{ kind: 'open', plan: { displayId: '2', bounds: two[1]!.bounds, mode: 'kiosk' } }]);
  });

  it('moves a window whose display moved or changed resolution, keeping its mode', () => {
    const before = planWindows(two, { ...defaultSettings, windowModes: { '2': 'fullscreen' } });
    const resized = { ...display('2', false, 1920), bounds: { x: 1920, y: 0, width: 3840, height: 2160 } };
    const after = planWindows([display('1', true), resized], { ...defaultSettings, windowModes: { '2': 'fullscreen' } });
    expect(windowActions(before, after)).toEqual([{ kind: 'update', plan: { displayId: '2', bounds: resized.bounds, mode: 'fullscreen' }, moved: true, modeChanged: false }]);
  });

  it('changes the mode of a window when settings.windowModes changes, without moving it', () => {
    const before = planWindows(two, defaultSettings);
    const after = planWindows(two, { ...defaultSettings, windowModes: { '1': 'kiosk' } });
    expect(windowActions(before, after)).toEqual([{ kind: 'update', plan: { ...before[0]!, mode: 'kiosk' }, moved: false, modeChanged: true }]);
  });

  it('opens before it closes when displays are swapped for new ones, so the app never has no window', () => {
    const before = planWindows(two, defaultSettings);
    const after = planWindows([display('1', true, 100), display('3', false, 1920)], defaultSettings);
    expect(windowActions(before, after).map((a) => (a.kind === 'close' ? `close ${a.displayId}` : `${a.kind} ${a.plan.displayId}`))).toEqual(['update 1', 'open 3', 'close 2']);
    const onlyNew = planWindows([display('9', true)], defaultSettings);
    expect(windowActions(before, onlyNew).map((a) => a.kind)).toEqual(['open', 'close', 'close']);
  });

  it('keeps the windows when the system briefly reports no display at all', () => {
    expect(windowActions(planWindows(two, defaultSettings), planWindows([], defaultSettings))).toEqual([]);
  });

  it('follows a switch to the primary display only, and back', () => {
    const all = planWindows(two, defaultSettings);
    const primary = planWindows(two, { ...defaultSettings, displays: 'primary' });
    expect(windowActions(all, primary)).toEqual([{ kind: 'close', displayId: '2' }]);
    expect(windowActions(primary, all).map((a) => a.kind)).toEqual(['open']);
  });
});

describe('toggledMode (F11)', () => {
  it('swaps windowed and full screen and leaves kiosk alone', () => {
    expect(toggledMode('windowed')).toBe('fullscreen');
    expect(toggledMode('fullscreen')).toBe('windowed');
    expect(toggledMode('kiosk')).toBe('kiosk');
  });
});

describe('window pages', () => {
  it('loads each window with its display id', () => {
    expect(windowUrl('2528732444')).toBe('tessera://app/index.html?display=2528732444');
    expect(new URL(windowUrl('a&b c')).searchParams.get('display')).toBe('a&b c');
  });

  it('shows a crash page with no script and a link back to the same display', () => {
    const url = crashPageUrl('7<script>', 3, 60_000);
    expect(url.startsWith('data:text/html;charset=utf-8,')).toBe(true);
    const html = decodeURIComponent(url.slice(url.indexOf(',') + 1));
    expect(html).toContain('crashed 3 times within 60 seconds');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`href="${windowUrl('7<script>').replace(/</g, '&#60;')}"`);
    expect(isTrustedSenderUrl(windowUrl('7<script>'))).toBe(true);
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
