import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHosts, cookieValue, hostAllowed, interfaceHostNames, isWildcardHost, newLaunchId, newToken, originAllowed, pageCookieName, parseTarget, sameToken, tokenFromQuery } from '../../../main/serve/auth.js';

const loopback = allowedHosts('127.0.0.1', 5000);

/** What os.networkInterfaces() gives on a wall server with one wired card. */
const interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = {
  lo: [
    { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' },
    { address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', family: 'IPv6', mac: '00:00:00:00:00:00', internal: true, cidr: '::1/128', scopeid: 0 },
  ],
  eth0: [
    { address: '192.168.10.5', netmask: '255.255.255.0', family: 'IPv4', mac: '52:54:00:12:34:56', internal: false, cidr: '192.168.10.5/24' },
    { address: 'FE80::5054:FF:FE12:3456', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '52:54:00:12:34:56', internal: false, cidr: 'fe80::5054:ff:fe12:3456/64', scopeid: 2 },
  ],
};

describe('serve-mode auth', () => {
  it('makes long random tokens and short launch ids', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken()).not.toBe(a);
    expect(newLaunchId()).toMatch(/^[0-9a-f]{12}$/);
    expect(newLaunchId()).not.toBe(newLaunchId());
  });

  it('compares tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
    expect(sameToken('', 'abc')).toBe(false);
  });

  it('names the page cookie per launch, so launches and instances never read each other\'s', () => {
    expect(pageCookieName('0a1b2c3d4e5f')).toBe('tessera_page_0a1b2c3d4e5f');
    const name = pageCookieName('0a1b2c3d4e5f');
    expect(cookieValue(`other=1; ${name}=key%3D`, name)).toBe('key=');
    expect(cookieValue(`${pageCookieName('ffffffffffff')}=key`, name)).toBeUndefined();
    expect(cookieValue(`${name}=%zz`, name)).toBeUndefined();
    expect(cookieValue(undefined, name)).toBeUndefined();
  });

  it('reads the token from the query only', () => {
    expect(tokenFromQuery(new URL('http://127.0.0.1:5000/bridge?token=q'))).toBe('q');
    expect(tokenFromQuery(new URL('http://127.0.0.1:5000/bridge'))).toBeUndefined();
  });

  it('accepts only our own Host and Origin', () => {
    expect(hostAllowed('127.0.0.1:5000', loopback)).toBe(true);
    expect(hostAllowed('localhost:5000', loopback)).toBe(true);
    expect(hostAllowed('LOCALHOST:5000', loopback)).toBe(true);
    expect(hostAllowed('evil.example:5000', loopback)).toBe(false);
    expect(hostAllowed('127.0.0.1:5001', loopback)).toBe(false);
    expect(hostAllowed(undefined, loopback)).toBe(false);
    expect(originAllowed(undefined, loopback)).toBe(true);
    expect(originAllowed('http://127.0.0.1:5000', loopback)).toBe(true);
    expect(originAllowed('http://127.0.0.1:5001', loopback)).toBe(false);
    expect(originAllowed('https://evil.example', loopback)).toBe(false);
    expect(originAllowed('null', loopback)).toBe(false);
  });

  it('bound to every interface, also accepts the machine\'s own addresses (and only with our port)', () => {
    expect(isWildcardHost('0.0.0.0')).toBe(true);
    expect(isWildcardHost('::')).toBe(true);
    expect(isWildcardHost('127.0.0.1')).toBe(false);
    const names = interfaceHostNames(interfaces);
    expect(names).toEqual(['127.0.0.1', '[::1]', '192.168.10.5', '[fe80::5054:ff:fe12:3456]']);
    for (const bound of ['0.0.0.0', '::']) {
      const hosts = allowedHosts(bound, 5000, names);
      expect(hostAllowed('192.168.10.5:5000', hosts)).toBe(true);
      expect(hostAllowed('[fe80::5054:ff:fe12:3456]:5000', hosts)).toBe(true);
      expect(originAllowed('http://192.168.10.5:5000', hosts)).toBe(true);
      expect(hostAllowed('192.168.10.5:5001', hosts)).toBe(false);
      expect(hostAllowed('192.168.10.6:5000', hosts)).toBe(false);
      expect(hostAllowed('evil.example:5000', hosts)).toBe(false);
    }
    // An IPv6 bind address is written in brackets, as in a Host header.
    expect(hostAllowed('[::]:5000', allowedHosts('::', 5000))).toBe(true);
    expect(hostAllowed('[fd00::7]:5000', allowedHosts('fd00::7', 5000))).toBe(true);
  });

  it('parses request targets without throwing: malformed percent-encoding and non-path targets are null', () => {
    expect(parseTarget('/assets/app.js?token=t')?.pathname).toBe('/assets/app.js');
    expect(parseTarget('//evil.example/x')?.pathname).toBe('//evil.example/x');
    expect(parseTarget('/%zz')).toBeNull();
    expect(parseTarget('/%E0%A4%A')).toBeNull();
    expect(parseTarget('*')).toBeNull();
    expect(parseTarget('http://evil.example/')).toBeNull();
    expect(parseTarget(undefined)).toBeNull();
  });
});
