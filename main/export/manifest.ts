/**
 * The evidence manifest beside each exported file (`<file>.manifest.json`): what was asked, what
 * the file holds, its SHA-256 and size, who made it and when, signed with the install's Ed25519
 * key. The signature covers the canonical JSON of everything but itself (keys sorted, no spaces),
 * so re-indenting the file does not break it and changing any value does.
 *
 * The public key travels in the manifest: verify proves the file is what that key signed, and
 * says whether the key is this install's. Trusting a key of another install is the reader's call
 * (its fingerprint is printed so it can be compared with the one the exporting site publishes).
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';

export const MANIFEST_FORMAT = 'tessera-evidence-manifest/1';

const periodSchema = z.object({ fromMs: z.number(), toMs: z.number() });

export const manifestBodySchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  file: z.object({ name: z.string(), sizeBytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  camera: z.object({ id: z.string(), name: z.string() }),
  site: z.object({ name: z.string(), vendor: z.string() }),
  operator: z.string(),
  requested: periodSchema,
  /** Wall times of the first and last frame, where the source says (else the requested edges). */
  actual: z.object({ firstFrameMs: z.number(), lastFrameMs: z.number(), source: z.enum(['recording-time', 'requested']) }),
  /** Periods inside the requested range with no recording, skipped in the file. */
  gaps: z.array(periodSchema),
  durationS: z.number().nonnegative(),
  streams: z.array(z.object({ type: z.string(), codec: z.string(), profile: z.string().optional(), width: z.number().optional(), height: z.number().optional(), sampleRate: z.number().optional() })),
  burnedTimestamp: z.boolean(),
  tesseraVersion: z.string(),
  createdAt: z.string(),
  publicKey: z.object({ algorithm: z.literal('Ed25519'), spkiDer: z.string(), fingerprint: z.string() }),
});
export type ManifestBody = z.infer<typeof manifestBodySchema>;

export const manifestSchema = manifestBodySchema.extend({ signature: z.string().regex(/^[A-Za-z0-9+/=]+$/) });
export type Manifest = z.infer<typeof manifestSchema>;

/** JSON with object keys sorted at every level: the bytes the signature covers. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the key's DER, first 16 bytes as hex pairs: short enough to read out on a phone. */
export function keyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return (createHash('sha256').update(der).digest('hex').slice(0, 32).match(/../g) ?? []).join(':');
}

export function publicKeyField(publicKey: KeyObject): ManifestBody['publicKey'] {
  return { algorithm: 'Ed25519', spkiDer: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), fingerprint: keyFingerprint(publicKey) };
}

export function signManifest(body: ManifestBody, privateKey: KeyObject): Manifest {
  const checked = manifestBodySchema.parse(body);
  const signature = sign(null, Buffer.from(canonicalJson(checked)), privateKey).toString('base64');
  return { ...checked, signature };
}

export type ManifestCheck = { ok: true; manifest: Manifest } | { ok: false; reason: string; manifest?: Manifest };

/** Parses and checks a manifest's signature against the key it carries; the file itself is checked by the caller. */
export function checkManifestSignature(text: string): ManifestCheck {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the manifest is not JSON' };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: `the manifest is not a Tessera evidence manifest (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'invalid'})` };
  const manifest = parsed.data;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(manifest.publicKey.spkiDer, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return { ok: false, reason: 'the manifest’s public key cannot be read', manifest };
  }
  if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: 'the manifest’s public key is not an Ed25519 key', manifest };
  if (keyFingerprint(key) !== manifest.publicKey.fingerprint) return { ok: false, reason: 'the key fingerprint in the manifest does not match its key', manifest };
  const { signature, ...body } = manifest;
  if (!verify(null, Buffer.from(canonicalJson(body)), key, Buffer.from(signature, 'base64'))) {
    return { ok: false, reason: 'the manifest’s signature does not match its content (the manifest was changed after signing)', manifest };
  }
  return { ok: true, manifest };
}

/** What `tessera verify` compares: the file's measured size and hash against the signed ones. */
export function compareFile(manifest: Manifest, measured: { sizeBytes: number; sha256: string }): string | undefined {
  if (measured.sizeBytes !== manifest.file.sizeBytes) return `the file is ${measured.sizeBytes} bytes, the manifest says ${manifest.file.sizeBytes}`;
  if (measured.sha256 !== manifest.file.sha256) return 'the file’s SHA-256 differs from the manifest’s (the file was changed)';
  return undefined;
}
