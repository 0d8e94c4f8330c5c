/**
 * Secrets never reach a log line: values under secret-looking keys are replaced, and strings are
 * scrubbed of URL passwords and token-like query parameters. Pure, so it is unit-tested.
 */

const secretKey = /pass(word)?|secret|token|cookie|authori[sz]ation|auth_?key|session_?id|api_?key|credential|^a$|^s$/i;
const secretQueryParam = /([?&;](?:A|s|token|access_token|refresh_token|auth_key|api_key|apikey|session|sessionid|sid|password|passwd|code)=)[^&;#\s"']*/gi;
const urlPassword = /([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi;
const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=|-]+/g;

export const REDACTED = '[redacted]';

export function redactString(text: string): string {
  return text.replace(urlPassword, `$1${REDACTED}@`).replace(secretQueryParam, `$1${REDACTED}`).replace(bearer, `$1 ${REDACTED}`);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message), stack: value.stack ? redactString(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = secretKey.test(key) && inner !== undefined && inner !== null && inner !== '' ? REDACTED : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}
