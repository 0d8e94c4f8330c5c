import { describe, expect, it } from 'vitest';
import { cookieName, hostAllowed, newToken, originAllowed, sameToken, tokenFromRequest } from '../../../main/serve/auth.js';

describe('serve-mode auth', () => {
  it('makes long random tokens', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken()).not.toBe(a);
  });

  it('compares tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
    expect(sameToken('', 'abc')).toBe(false);
  });

  it('reads the token from the query first, then the port-specific cookie', () => {
    const url = new URL('http://127.0.0.1:5000/assets/x.js');
    expect(tokenFromRequest(url, `other=1; ${cookieName(5000)}=tok`, 5000)).toBe('tok');
    expect(tokenFromRequest(url, `${cookieName(5001)}=tok`, 5000)).toBeUndefined();
    expect(tokenFromRequest(new URL('http://127.0.0.1:5000/?token=q'), `${cookieName(5000)}=c`, 5000)).toBe('q');
  });

  it('accepts only our own Host and Origin', () => {
    expect(hostAllowed('127.0.0.1:5000', '127.0.0.1', 5000)).toBe(true);
    expect(hostAllowed('localhost:5000', '127.0.0.1', 5000)).toBe(true);
    expect(hostAllowed('evil.example:5000', '127.0.0.1', 5000)).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1', 5000)).toBe(false);
    expect(originAllowed(undefined, '127.0.0.1', 5000)).toBe(true);
    expect(originAllowed('http://127.0.0.1:5000', '127.0.0.1', 5000)).toBe(true);
    expect(originAllowed('http://127.0.0.1:5001', '127.0.0.1', 5000)).toBe(false);
    expect(originAllowed('https://evil.example', '127.0.0.1', 5000)).toBe(false);
    expect(originAllowed('null', '127.0.0.1', 5000)).toBe(false);
  });
});
