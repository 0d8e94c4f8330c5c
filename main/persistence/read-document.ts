/**
 * Reading a stored JSON document without trusting it: the size is checked before a byte is parsed,
 * and the parsed value is walked (iteratively, so depth cannot overflow the stack) for nesting
 * deeper than any Tessera document and for keys that would reach an object's prototype when
 * copied by assignment. Every failure is a DocumentError whose message is the operator's reason.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Larger than any document Tessera writes (a full wall is well under 1 MB); refused unread. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;
/** Deeper than any Tessera document (the wall's deepest value is about 8 levels down). */
export const MAX_DOCUMENT_DEPTH = 32;
/** Keys no Tessera document has, which would write onto a prototype if copied with `o[k] = v`. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export class DocumentError extends Error {}

/** Reads the file as text; undefined when it does not exist. Throws DocumentError otherwise. */
export type ReadText = (path: string, maxBytes: number) => string | undefined;

/** `open` is for tests that stage what root cannot (a file it may not read). */
export function readText(path: string, maxBytes: number, open: (path: string) => number = (p) => openSync(p, 'r')): string | undefined {
  let fd: number;
  try {
    fd = open(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw new DocumentError(describeFsError(err));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new DocumentError('it is a folder, not a file');
    if (!stat.isFile()) throw new DocumentError('it is not a regular file');
    if (stat.size > maxBytes) throw new DocumentError(`it is ${megabytes(stat.size)}, more than the ${megabytes(maxBytes)} Tessera reads`);
    // Read at most one byte past the limit: a file growing after the stat is refused the same way.
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) throw new DocumentError(`it is more than the ${megabytes(maxBytes)} Tessera reads`);
    return buffer.subarray(0, length).toString('utf8');
  } catch (err) {
    throw err instanceof DocumentError ? err : new DocumentError(describeFsError(err));
  } finally {
    closeSync(fd);
  }
}

/** JSON.parse with plain-words failures. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new DocumentError('the file is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new DocumentError(`not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

export type DocumentPath = (string | number)[];
/** A part of a document that must not be touched further, and why. */
export interface Poison {
  path: DocumentPath;
  reason: string;
}

/**
 * Parts of `value` nested deeper than maxDepth or holding a forbidden key; at most `limit` of
 * them. Nothing below a poisoned part is visited.
 */
export function findPoison(value: unknown, maxDepth = MAX_DOCUMENT_DEPTH, limit = 20): Poison[] {
  // Each node links to its parent instead of carrying a copy of its path: a 16 MB document has
  // millions of nodes, and a path is only built for what is found.
  interface Node {
    value: unknown;
    depth: number;
    key?: string | number;
    parent?: Node;
  }
  const pathOf = (node: Node): DocumentPath => {
    const path: DocumentPath = [];
    for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
    return path;
  };
  const found: Poison[] = [];
  const stack: Node[] = [{ value, depth: 0 }];
  while (stack.length > 0 && found.length < limit) {
    const node = stack.pop()!;
    const v = node.value;
    if (v === null || typeof v !== 'object') continue;
    if (node.depth >= maxDepth) {
      found.push({ path: pathOf(node), reason: `nested more than ${maxDepth} levels deep` });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i += 1) if (v[i] !== null && typeof v[i] === 'object') stack.push({ value: v[i], depth: node.depth + 1, key: i, parent: node });
      continue;
    }
    for (const key of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[key];
      if (FORBIDDEN_KEYS.has(key)) found.push({ path: [...pathOf(node), key], reason: `the key “${key}” is not allowed` });
      else if (child !== null && typeof child === 'object') stack.push({ value: child, depth: node.depth + 1, key, parent: node });
    }
  }
  return found;
}

function errorCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function describeFsError(err: unknown): string {
  switch (errorCode(err)) {
    case 'EACCES':
    case 'EPERM':
      return 'Tessera is not allowed to read it (permission denied)';
    case 'EISDIR':
      return 'it is a folder, not a file';
    default:
      return `it could not be read (${err instanceof Error ? err.message : String(err)})`;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MB`;
}
