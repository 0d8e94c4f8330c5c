import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/index.js';
import { defaultUserDataDir, resolveUserDataDir } from '../../../main/paths.js';
import { cliIo } from '../../support/adapter-harness.js';

const io = () => cliIo(undefined, Promise.resolve());

describe('tessera CLI', () => {
  it('prints help with exit 0 and lists serve', async () => {
    const t = io();
    expect(await runCli(['--help'], t.io)).toBe(0);
    expect(t.out()).toContain('serve');
  });

  it('exits 2 with one line on stderr for an unknown command or option', async () => {
    const a = io();
    expect(await runCli(['frobnicate'], a.io)).toBe(2);
    expect(a.err()).toMatch(/unknown command "frobnicate"/);
    const b = io();
    expect(await runCli(['serve', '--bogus'], b.io)).toBe(2);
    expect(b.err()).toMatch(/Unknown option '--bogus'/);
    const c = io();
    expect(await runCli(['serve', '--port', 'eighty'], c.io)).toBe(2);
    expect(c.err()).toMatch(/--port must be a whole number/);
  });

  it('shows per-command help', async () => {
    const t = io();
    expect(await runCli(['serve', '--help'], t.io)).toBe(0);
    expect(t.out()).toContain('--host ADDRESS');
  });
});

describe('user-data folder', () => {
  it('follows Electron defaults per platform', () => {
    expect(defaultUserDataDir('linux', {}, '/home/op')).toBe('/home/op/.config/Tessera');
    expect(defaultUserDataDir('linux', { XDG_CONFIG_HOME: '/x' }, '/home/op')).toBe('/x/Tessera');
    expect(defaultUserDataDir('darwin', {}, '/Users/op')).toBe('/Users/op/Library/Application Support/Tessera');
    expect(defaultUserDataDir('win32', { APPDATA: 'C:\\Users\\op\\AppData\\Roaming' }, 'C:\\Users\\op')).toContain('Tessera');
  });

  it('lets --data-dir beat TESSERA_DATA_DIR beat the default', () => {
    expect(resolveUserDataDir('/flag', { TESSERA_DATA_DIR: '/env' }, '/default')).toBe('/flag');
    expect(resolveUserDataDir(undefined, { TESSERA_DATA_DIR: '/env' }, '/default')).toBe('/env');
    expect(resolveUserDataDir(undefined, {}, '/default')).toBe('/default');
  });
});
