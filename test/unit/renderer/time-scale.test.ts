/** The timeline's scale: zoom limits, anchored zoom, pan, ticks in a zone, typed times. */
import { describe, expect, it } from 'vitest';
import { centreOn, clockText, fullText, inputText, maxSpanMs, minSpanMs, nextZoneChoice, offsetText, panScale, parseTimeInput, siteZone, ticks, tickStep, timeAt, xOf, zoneLabel, zoneOffsetMs, zoomScale, type TimeScale } from '../../../renderer/src/domain/time-scale.js';

const now = Date.UTC(2026, 11, 7, 2, 20, 0);
const hourScale: TimeScale = { startMs: now - 3600_000, spanMs: 3600_000, widthPx: 1200 };

describe('time scale', () => {
  it('maps times to pixels and back', () => {
    expect(xOf(hourScale, now - 1800_000)).toBe(600);
    expect(timeAt(hourScale, 300)).toBe(now - 2700_000);
  });

  it('zooms about the anchor, within 1 minute and 7 days', () => {
    const anchor = now - 1800_000;
    const inScale = zoomScale(hourScale, 2, anchor, now);
    expect(inScale.spanMs).toBe(1800_000);
    expect(xOf(inScale, anchor)).toBeCloseTo(600);
    expect(zoomScale(hourScale, 1000, anchor, now).spanMs).toBe(minSpanMs);
    expect(zoomScale(hourScale, 1 / 1000, anchor, now).spanMs).toBe(maxSpanMs);
  });

  it('pans by a drag and stops a tenth of the span past now', () => {
    expect(panScale(hourScale, 120, now).startMs).toBe(hourScale.startMs - 360_000);
    const latest = panScale(hourScale, -100_000, now);
    expect(latest.startMs + latest.spanMs).toBe(now + 360_000);
    expect(centreOn(hourScale, now - 7200_000, now).startMs).toBe(now - 7200_000 - 1800_000);
  });

  it('picks round tick steps at least 70 px apart', () => {
    expect(tickStep(hourScale)).toBe(5 * 60_000);
    expect(tickStep({ ...hourScale, spanMs: 60_000 })).toBe(5_000);
    expect(tickStep({ ...hourScale, spanMs: maxSpanMs })).toBe(12 * 3600_000);
  });

  it('labels ticks on the round times of the zone, midnight with the date', () => {
    const scale: TimeScale = { startMs: Date.UTC(2026, 11, 6, 22, 50), spanMs: 3 * 3600_000, widthPx: 600 };
    const utc = ticks(scale, { kind: 'utc' });
    expect(utc.map((t) => t.label)).toEqual(['23:00', '23:30', 'Mon 7 Dec', '00:30', '01:00', '01:30']);
    expect(utc[2]!.major).toBe(true);
    // India is UTC+05:30: local round half-hours fall on UTC :00 and :30 too, labelled locally.
    const india = ticks(scale, { kind: 'zone', name: 'Asia/Kolkata' });
    expect(india[0]!.label).toBe('04:30');
    expect(india[0]!.atMs).toBe(Date.UTC(2026, 11, 6, 23, 0));
    // A site's fixed offset (exacq reports its own): UTC−05:00.
    const site = ticks(scale, { kind: 'fixed', offsetMin: -300, label: 'site UTC−05:00' });
    expect(site[0]!.label).toBe('18:00');
  });

  it('steps in local time across a DST change', () => {
    // Europe/Berlin leaves summer time at 01:00 UTC on 25 Oct 2026 (03:00 → 02:00 local).
    const scale: TimeScale = { startMs: Date.UTC(2026, 9, 24, 23, 30), spanMs: 3 * 3600_000, widthPx: 300 };
    const labels = ticks(scale, { kind: 'zone', name: 'Europe/Berlin' }).map((t) => t.label);
    expect(labels).toEqual(['02:00', '02:00', '03:00']);
  });

  it('a site’s fixed offset: "Site time (UTC−04:00)", its clock and ticks; U cycles computer → UTC → site only where the site says', () => {
    const zone = siteZone(-240);
    const at = Date.UTC(2026, 11, 7, 2, 14, 3);
    expect(zoneLabel(zone, at)).toBe('Site time (UTC−04:00)');
    expect(clockText(zone, at)).toBe('22:14:03');
    expect(fullText(zone, at)).toBe('Sun 6 Dec 2026, 22:14:03 Site time (UTC−04:00)');
    expect(ticks({ startMs: Date.UTC(2026, 11, 7, 3, 50), spanMs: 3600_000, widthPx: 200 }, zone)[0]!.label).toBe('Mon 7 Dec');
    expect([offsetText(330), offsetText(0), offsetText(-765)]).toEqual(['UTC+05:30', 'UTC', 'UTC−12:45']);
    expect([nextZoneChoice('operator', true), nextZoneChoice('utc', true), nextZoneChoice('site', true)]).toEqual(['utc', 'site', 'operator']);
    expect(nextZoneChoice('utc', false)).toBe('operator');
  });

  it('writes times in the zone, with its label', () => {
    const at = Date.UTC(2026, 11, 7, 2, 14, 3, 250);
    expect(clockText({ kind: 'utc' }, at)).toBe('02:14:03');
    expect(fullText({ kind: 'utc' }, at, true)).toBe('Mon 7 Dec 2026, 02:14:03.250 UTC');
    expect(zoneLabel({ kind: 'zone', name: 'Asia/Kolkata' }, at)).toBe('UTC+05:30');
    expect(zoneLabel({ kind: 'zone', name: 'America/New_York' }, at)).toBe('UTC−05:00');
    expect(zoneOffsetMs({ kind: 'zone', name: 'America/New_York' }, at)).toBe(-5 * 3600_000);
  });

  it('reads typed times in the zone, and refuses nonsense', () => {
    const ny = { kind: 'zone', name: 'America/New_York' } as const;
    expect(parseTimeInput('2026-12-06 21:14:03', ny, now)).toBe(Date.UTC(2026, 11, 7, 2, 14, 3));
    expect(parseTimeInput('2026-12-07T02:14', { kind: 'utc' }, now)).toBe(Date.UTC(2026, 11, 7, 2, 14));
    expect(parseTimeInput('01:00', { kind: 'utc' }, now)).toBe(Date.UTC(2026, 11, 7, 1, 0));
    expect(parseTimeInput('-10m', { kind: 'utc' }, now)).toBe(now - 600_000);
    expect(parseTimeInput(inputText(ny, now), ny, now)).toBe(now);
    expect(parseTimeInput('25:00', { kind: 'utc' }, now)).toBeUndefined();
    expect(parseTimeInput('yesterday', { kind: 'utc' }, now)).toBeUndefined();
  });
});
