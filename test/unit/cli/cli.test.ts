import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/index.js';
import { hostOption, listenFailure } from '../../../main/cli/serve-command.js';
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

  it('a bare `tessera` is bad usage: the help on stderr, nothing on stdout, exit 2', async () => {
    const t = io();
    expect(await runCli([], t.io)).toBe(2);
    expect(t.err()).toContain('Usage: tessera <command>');
    expect(t.out()).toBe('');
  });

  it('refuses an extra word after a command that takes none (exit 2), but not after `sites`', async () => {
    for (const argv of [['serve', 'junk'], ['sim', 'junk'], ['cameras', 'junk'], ['snapshot', 'junk']]) {
      const t = io();
      expect(await runCli(argv, t.io), argv.join(' ')).toBe(2);
      expect(t.err()).toContain(`tessera ${argv[0]}: unexpected argument "junk"`);
    }
    const sites = io();
    expect(await runCli(['sites', 'junk'], sites.io)).toBe(2);
    expect(sites.err()).toMatch(/say `list`, `add` or `remove`/);
  });

  it('refuses a --host that is not an address or host name before starting anything (exit 2)', async () => {
    const t = io();
    expect(await runCli(['serve', '--host', 'not a host'], t.io)).toBe(2);
    expect(t.err()).toMatch(/^tessera serve: --host must be an IP address or a host name .*not "not a host"\n/);
    expect(t.err()).not.toContain('unexpected failure');
    expect(hostOption(undefined)).toBe('127.0.0.1');
    expect(hostOption('0.0.0.0')).toBe('0.0.0.0');
    expect(hostOption('[::1]')).toBe('::1');
    expect(hostOption('::')).toBe('::');
    expect(hostOption('wall-server.local')).toBe('wall-server.local');
    for (const bad of ['', ' ', 'a b', 'http://x', '-x', 'x..y', '1.2.3.4:80']) expect(() => hostOption(bad), bad).toThrow(/--host must be/);
  });

  it('says in one plain sentence why serve could not listen', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080'), { code: 'EADDRINUSE' });
    expect(listenFailure(inUse, '127.0.0.1', 8080)).toBe('port 8080 on 127.0.0.1 is already in use; choose another --port, or leave --port out to take a free one');
    expect(listenFailure(Object.assign(new Error(''), { code: 'EADDRNOTAVAIL' }), '10.9.9.9', 0)).toMatch(/^10\.9\.9\.9 is not an address of this machine/);
    expect(listenFailure(Object.assign(new Error(''), { code: 'ENOTFOUND' }), 'nowhere.invalid', 0)).toMatch(/does not resolve/);
    expect(listenFailure(Object.assign(new Error(''), { code: 'EACCES' }), '127.0.0.1', 80)).toMatch(/^not allowed to listen on port 80/);
    expect(listenFailure(new Error('something else'), '127.0.0.1', 80)).toBeUndefined();
  });

  it('refuses a site address with a scheme Tessera does not read: exit 2, "unsupported scheme"', async () => {
    const dataDir = ['--data-dir', mkdtempSync(join(tmpdir(), 'tessera-cli-'))]; // the commands open a log there
    for (const argv of [['cameras', '--url', 'ftp://x'], ['cameras', '--kind', 'exacq', '--url', 'ftp://x'], ['cameras', '--kind', 'exacq', '--url', 'rtsp://x/1'], ['cameras', '--kind', 'rtsp', '--url', 'http://x/'], ['snapshot', '--camera', 'c', '-o', '/dev/null', '--url', 'file:///etc/passwd']]) {
      const t = io();
      expect(await runCli([...argv, ...dataDir], t.io), argv.join(' ')).toBe(2);
      expect(t.err(), argv.join(' ')).toMatch(/--url: unsupported scheme "(ftp|rtsp|http|file):"; use /);
    }
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
