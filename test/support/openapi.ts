/**
 * A small OpenAPI 3.0 response checker for conformance tests against vendor specs (the Eagle Eye
 * v3 YAML files in ../shared/specs/een-v3, or EEN_V3_SPEC_DIR). It follows $ref, allOf, oneOf
 * (with discriminators), nullable, required, type, enum, format date-time, min/max and lengths:
 * enough to catch a missing required field, a wrong type or an out-of-enum value. Extra fields
 * are allowed, as the specs leave objects open.
 *
 * YAML: js-yaml is present in node_modules (through electron-builder). It is loaded with
 * createRequire so test code does not need its type declarations, and is never used by main code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

type Schema = Record<string, unknown>;
type Doc = { paths: Record<string, Record<string, unknown>>; components: Record<string, Record<string, Schema>> };

const require = createRequire(import.meta.url);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export const eenV3SpecDir = process.env.EEN_V3_SPEC_DIR ?? resolve(repoRoot, '../shared/specs/een-v3');

const docs = new Map<string, Doc>();

export function loadSpec(name: 'media' | 'devices' | 'user_and_accounts' | 'grouping' | 'system' | 'events', dir = eenV3SpecDir): Doc {
  const file = join(dir, `${name}.yaml`);
  let doc = docs.get(file);
  if (!doc) {
    if (!existsSync(file)) throw new Error(`OpenAPI file ${file} is missing: set EEN_V3_SPEC_DIR to the folder with the Eagle Eye v3 specs`);
    const yaml = require('js-yaml') as { load(text: string): unknown };
    doc = yaml.load(readFileSync(file, 'utf8')) as Doc;
    docs.set(file, doc);
  }
  return doc;
}

function deref(doc: Doc, schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; typeof current.$ref === 'string'; depth++) {
    if (depth > 20) throw new Error(`$ref loop at ${String(current.$ref)}`);
    const ref = current.$ref as string;
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc) as Schema;
    if (!current) throw new Error(`unresolved $ref ${ref}`);
  }
  return current;
}

/** The schema of one response, e.g. responseSchema(doc, '/cameras', 'get', '200'). */
export function responseSchema(doc: Doc, path: string, method: string, status: string, contentType = 'application/json'): Schema {
  const operation = doc.paths[path]?.[method.toLowerCase()] as Schema | undefined;
  if (!operation) throw new Error(`no ${method} ${path} in the spec`);
  const responses = operation.responses as Record<string, Schema>;
  const response = responses[status] ?? responses.default;
  if (!response) throw new Error(`no ${status} response for ${method} ${path}`);
  const content = deref(doc, response).content as Record<string, { schema: Schema }> | undefined;
  const schema = content?.[contentType]?.schema;
  if (!schema) throw new Error(`no ${contentType} schema for ${status} of ${method} ${path}`);
  return schema;
}

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** All problems of `value` against `schema`, as "$.results[0].id: …" lines. */
export function validate(doc: Doc, schemaIn: Schema, value: unknown, at = '$'): string[] {
  const schema = deref(doc, schemaIn);
  if (value === null) {
    if (schema.nullable === true) return [];
    // A nullable flag may sit on an allOf member (NullableDateTimeBase) or the referenced schema.
    if (Array.isArray(schema.allOf) && (schema.allOf as Schema[]).some((s) => deref(doc, s).nullable === true)) return [];
    if (schema.type === undefined && schema.allOf === undefined && schema.oneOf === undefined && schema.properties === undefined) return [];
    return [`${at}: is null but not nullable`];
  }
  const errors: string[] = [];
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf as Schema[]) errors.push(...validate(doc, part, value, at));
  if (Array.isArray(schema.oneOf)) {
    const variants = schema.oneOf as Schema[];
    const discriminator = schema.discriminator as { propertyName: string; mapping?: Record<string, string> } | undefined;
    const tag = discriminator && typeof value === 'object' ? (value as Record<string, unknown>)[discriminator.propertyName] : undefined;
    // A mapping into another file (events.yaml maps to ../event/events/*.yaml) falls back to the variants.
    const mapped = typeof tag === 'string' ? discriminator?.mapping?.[tag] : undefined;
    if (mapped?.startsWith('#/')) errors.push(...validate(doc, { $ref: mapped }, value, at));
    else {
      // At least one variant must fit (some spec variants, such as JobResultNull, fit anything).
      const results = variants.map((v) => validate(doc, v, value, at));
      if (!results.some((r) => r.length === 0)) errors.push(`${at}: matches no oneOf variant (${results.map((r) => r[0]).join(' | ')})`);
    }
  }
  const type = schema.type as string | undefined;
  const actual = typeOf(value);
  if (type && !(actual === type || (type === 'number' && actual === 'integer'))) return [...errors, `${at}: expected ${type}, got ${actual}`];
  if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.format === 'date-time' && !dateTime.test(value)) errors.push(`${at}: ${value} is not a date-time`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) errors.push(`${at}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: ${value} < minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: ${value} > maximum ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => errors.push(...validate(doc, schema.items as Schema, item, `${at}[${i}]`)));
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) errors.push(`${at}: missing required property ${name}`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, sub] of Object.entries(properties)) if (name in object) errors.push(...validate(doc, sub, object[name], `${at}.${name}`));
  }
  return errors;
}

/** Throws with every problem when `body` does not fit the documented response. */
export function expectConforms(spec: Parameters<typeof loadSpec>[0], path: string, method: string, status: number, body: unknown): void {
  const doc = loadSpec(spec);
  const errors = validate(doc, responseSchema(doc, path, method, String(status)), body);
  if (errors.length) throw new Error(`${method.toUpperCase()} ${path} ${status} does not conform to ${spec}.yaml:\n  ${errors.slice(0, 20).join('\n  ')}`);
}
