import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/logging/logger.js';
import { redact, redactString } from '../../../main/logging/redact.js';

describe('redact', () => {
  it.each([
    ['rtsp://admin:hunter2@10.0.0.5:554/stream', 'rtsp://admin:[redacted]@10.0.0.5:554/stream'],
    ['https://x/asset/play/video.flv?id=1&A=c000~abc123&x=1', 'https://x/asset/play/video.flv?id=1&A=[redacted]&x=1'],
    ['rtsp://h/live?access_token=eyJabc.def', 'rtsp://h/live?access_token=[redacted]'],
    ['Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: Bearer [redacted]'],
    ['/video.web?s=4f3e2d&camera=3', '/video.web?s=[redacted]&camera=3'],
    ['nothing secret here', 'nothing secret here'],
  ])('scrubs %s', (input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('replaces values under secret-looking keys at any depth', () => {
    const out = redact({ user: 'op', password: 'p4ss', nested: { authKey: 'k', cookie: 'c=1', list: [{ refresh_token: 't' }] } });
    expect(JSON.stringify(out)).not.toMatch(/p4ss|"k"|c=1|"t"/);
    expect(out).toMatchObject({ user: 'op', password: '[redacted]' });
  });

  it('keeps secrets out of the log file and rotates by size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-log-'));
    const log = createLogger({ dir, maxBytes: 400, keep: 2 });
    for (let i = 0; i < 20; i += 1) log.info(`sign-in to rtsp://op:s3cret@cam/${i}`, { password: 's3cret', attempt: i });
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['tessera.1.log', 'tessera.2.log', 'tessera.log']);
    const all = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    expect(all).not.toContain('s3cret');
    expect(all).toContain('"attempt":19');
  });
});
