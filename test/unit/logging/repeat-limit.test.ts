import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/logging/logger.js';
import { RepeatLimiter, repeatKey } from '../../../main/logging/repeat-limit.js';

describe('RepeatLimiter', () => {
  it('writes a key at most once per interval and counts what it held back', () => {
    //  t(s)   0  1  2  3  9.9  10            11  20
    //         ●  ○  ○  ○  ○    ●(4 held)      ○   ●(1 held)
    const limiter = new RepeatLimiter(10_000);
    const at = (s: number) => limiter.admit('k', s * 1000);
    expect([0, 1, 2, 3, 9.9].map(at)).toEqual([0, null, null, null, null]);
    expect(at(10)).toBe(4);
    expect(at(11)).toBeNull();
    expect(at(20)).toBe(1);
    expect(at(40)).toBe(0);
  });

  it('keeps keys apart', () => {
    const limiter = new RepeatLimiter(10_000);
    expect(limiter.admit('a', 0)).toBe(0);
    expect(limiter.admit('b', 0)).toBe(0);
    expect(limiter.admit('a', 1)).toBeNull();
  });

  it('keys a line by scope, level, message and what it is about, not by the other fields', () => {
    const base = repeatKey('main.media', 'warn', 'no live source', { camera: 'site/1', reason: 'x' });
    expect(repeatKey('main.media', 'warn', 'no live source', { camera: 'site/1', reason: 'y', attempt: 3 })).toBe(base);
    expect(repeatKey('main.media', 'warn', 'no live source', { camera: 'site/2' })).not.toBe(base);
    expect(repeatKey('main.media', 'info', 'no live source', { camera: 'site/1' })).not.toBe(base);
    expect(repeatKey('main.sites', 'warn', 'no live source', { camera: 'site/1' })).not.toBe(base);
    expect(repeatKey('main.media', 'warn', 'refused', { caller: 'ws client 1' })).not.toBe(repeatKey('main.media', 'warn', 'refused', { caller: 'ws client 2' }));
  });

  it('forgets the oldest keys beyond its bound, so a flood of distinct keys does not grow memory', () => {
    const limiter = new RepeatLimiter(10_000);
    limiter.admit('first', 0);
    for (let i = 0; i < 5000; i += 1) limiter.admit(`k${i}`, 1);
    expect(limiter.admit('first', 2)).toBe(0);
  });
});

describe('createLogger repeats', () => {
  it('writes a line repeated 1,000 times in 20 s three times, the later ones saying how many were held back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-log-'));
    try {
      let now = Date.UTC(2026, 0, 1);
      const start = now;
      const log = createLogger({ dir, now: () => now }).child('media');
      for (let i = 0; i < 1000; i += 1) {
        log.warn('no live source', { camera: 'site/7', reason: `attempt ${i}` });
        now += 20;
      }
      log.warn('no live source', { camera: 'site/8' });
      const lines = readFileSync(join(dir, 'tessera.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string; msg: string; suppressed?: number; camera: string });
      expect(lines.map((l) => [l.msg, l.camera, Date.parse(l.t) - start])).toEqual([
        ['no live source', 'site/7', 0],
        ['no live source (499 more suppressed)', 'site/7', 10_000],
        ['no live source', 'site/8', 20_000],
      ]);
      expect(lines[1]!.suppressed).toBe(499);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('repeatIntervalMs 0 writes every line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-log-'));
    try {
      const log = createLogger({ dir, repeatIntervalMs: 0 });
      for (let i = 0; i < 5; i += 1) log.info('same');
      expect(readFileSync(join(dir, 'tessera.log'), 'utf8').trim().split('\n')).toHaveLength(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
