/**
 * The one way a request from a renderer reaches a service. Both shells use it: Electron's
 * ipcMain (main/windows/ipc-electron.ts) and the serve-mode WebSocket bridge (main/serve).
 * It refuses unknown channels and untrusted callers, validates the input against the contract
 * schema (the renderer is untrusted input) and turns every outcome into a Result value: whatever
 * a handler or a schema throws (a refinement can), `dispatch` resolves, with `internal`.
 */
import type { z } from 'zod';
import {
  AppFailure,
  appError,
  fail,
  isRequestChannel,
  ok,
  requests,
  type RequestChannel,
  type RequestInput,
  type RequestResult,
  type Result,
} from '../../preload/contract/index.js';
import type { Logger } from '../logging/logger.js';

/** The input schemas by channel: the contract's, or a test's. */
export type InputSchemas = Record<RequestChannel, { input: Pick<z.ZodType, 'safeParse'> }>;

/** An issue's message can quote the input (zod lists unrecognized keys): keep answers and logs short. */
const maxIssueChars = 200;

/** Who is calling: established by the shell (sender frame URL in Electron, token + Origin in serve mode). */
export interface CallContext {
  /** Whether the shell verified that the caller is a Tessera window. */
  trusted: boolean;
  /** For logs: "window 1 (display 2)", "ws client 3". */
  caller: string;
  /** Display this window belongs to, when known. */
  displayId?: string;
}

export type Handler<C extends RequestChannel> = (
  input: RequestInput<C> extends undefined ? undefined : Exclude<RequestInput<C>, undefined>,
  ctx: CallContext,
) => Promise<RequestResult<C>> | RequestResult<C>;

/** Every channel must have a handler: a missing key here is a compile error in compose.ts. */
export type Handlers = { [C in RequestChannel]: Handler<C> };

export class IpcRouter {
  constructor(
    private readonly handlers: Handlers,
    private readonly log: Logger,
    private readonly schemas: InputSchemas = requests,
  ) {}

  async dispatch(channel: string, rawInput: unknown, ctx: CallContext): Promise<Result<unknown>> {
    if (!ctx.trusted) {
      this.log.warn('refused request from untrusted caller', { channel: shown(channel), caller: ctx.caller });
      return fail('untrusted-sender', 'This window is not allowed to talk to Tessera.');
    }
    if (typeof channel !== 'string' || !isRequestChannel(channel)) {
      return fail('unknown-channel', `There is no channel named ${JSON.stringify(shown(channel))}.`);
    }
    const handler = this.handlers[channel] as (input: unknown, ctx: CallContext) => unknown;
    try {
      const parsed = this.schemas[channel].input.safeParse(rawInput);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((issue) => ({ path: clip(issue.path.map(String).join('.')), message: clip(issue.message) }));
        return fail('bad-request', `The request to ${channel} is malformed: ${issues.map((i) => `${i.path || 'input'} ${i.message}`).join('; ')}.`, { issues });
      }
      return ok(await handler(parsed.data, ctx));
    } catch (err) {
      if (err instanceof AppFailure) return { ok: false, error: err.error };
      this.log.error('request failed', { channel, error: err });
      return { ok: false, error: appError('internal', `Tessera failed while handling ${channel}; the details are in the log.`) };
    }
  }
}

function clip(text: string): string {
  return text.length > maxIssueChars ? `${text.slice(0, maxIssueChars)}…` : text;
}

/** A channel name for a log line or an answer; String() of an object with an own toString can throw. */
function shown(channel: unknown): string {
  return typeof channel === 'string' ? channel.slice(0, 80) : `(a ${typeof channel})`;
}
