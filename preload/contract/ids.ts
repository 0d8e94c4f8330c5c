/**
 * Ids and keyed records, shared by every namespace. An id from a window or a file may end up as
 * a property name (a display's entry in the wall, its window mode), so every id-like field is
 * checked against a pattern here, and the names every plain object inherits are refused: a
 * display called "__proto__" once wrote onto Object.prototype and broke every later request.
 */
import { z } from 'zod';

/** Property names every plain object has; never an id, whatever the pattern would allow. */
export const reservedIds: readonly string[] = ['__proto__', 'constructor', 'prototype'];

function notReserved(value: string): boolean {
  return !reservedIds.includes(value);
}

/**
 * Any id used as a key: display ids (Electron's numeric ids, "browser-2" in serve mode), stream
 * ids (UUIDs). Starts with a letter or digit, so "__proto__" never matches.
 */
export const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const idSchema = z
  .string()
  .regex(idPattern, 'must be 1–128 letters, digits, dots, colons, underscores or dashes, starting with a letter or digit')
  .refine(notReserved, 'is a reserved name');

/** Ids Tessera makes itself: sites (8 hex digits, "demo-exacq"), layouts and tours ("layout-<uuid>"). */
export const localIdSchema = idSchema.regex(/^[a-z0-9-]{1,64}$/, 'must be 1–64 lowercase letters, digits or dashes');

/**
 * Ids a VMS makes (Eagle Eye ESNs, exacqVision camera numbers and GUIDs, AIPIX ids, a server
 * layout's id): opaque to Tessera, so any printable ASCII without spaces, up to 200 characters.
 */
export const vendorIdSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1–200 printable characters without spaces')
  .refine(notReserved, 'is a reserved name');

/**
 * A camera: "<site id>/<the VMS's id for it>" (site-service.ts merges the sites' lists so). Never
 * used as a property name (main resolves it by the site id before the slash), so the VMS part
 * keeps whatever its server uses.
 */
export const cameraIdSchema = z
  .string()
  .max(265)
  .regex(/^[a-z0-9-]{1,64}\/[\x21-\x7e]{1,200}$/, 'must be "<site id>/<camera id>"');

/** Whether a string is a camera id the contract accepts (for code that filters ids from a site). */
export function isCameraId(value: string): boolean {
  return cameraIdSchema.safeParse(value).success;
}

/** Whether a string is a VMS id the contract accepts. */
export function isVendorId(value: string): boolean {
  return vendorIdSchema.safeParse(value).success;
}

/**
 * A copy of a record without a prototype, so `record[key]` never reaches Object.prototype: a
 * lookup of "constructor" finds nothing, a write of "__proto__" is a plain own property.
 */
export function nullPrototype<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  return Object.assign(Object.create(null) as Record<string, V>, record);
}

/**
 * A record keyed by `idSchema` ids, with at most `max` entries. The size and a "__proto__" key
 * (JSON.parse makes it an own property; zod would drop it silently) are checked on the raw input
 * before any value is parsed; the result has no prototype (see nullPrototype).
 */
export function idRecord<V extends z.ZodType>(value: V, max: number) {
  const record = z.record(idSchema, value);
  type Raw = z.input<typeof record>;
  return z
    .custom<Raw>()
    .superRefine((raw, ctx) => {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        ctx.addIssue({ code: 'custom', message: 'must be an object' });
        return;
      }
      const keys = Object.keys(raw);
      if (keys.length > max) ctx.addIssue({ code: 'custom', message: `must have at most ${max} entries (has ${keys.length})` });
      else if (Object.hasOwn(raw, '__proto__')) ctx.addIssue({ code: 'custom', path: ['__proto__'], message: 'is a reserved name' });
    })
    .pipe(record)
    .transform((parsed) => nullPrototype(parsed as Record<string, z.output<V>>));
}
