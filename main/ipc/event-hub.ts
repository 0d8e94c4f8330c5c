/**
 * Fan-out of contract events to every connected renderer, whatever the shell. Payloads are
 * whole snapshots (never deltas), so a window that subscribes late is never out of step.
 */
import type { EventChannel, EventPayload } from '../../preload/contract/index.js';

export type EventSink = (channel: EventChannel, payload: unknown) => void;

export class EventHub {
  private readonly sinks = new Set<EventSink>();

  publish<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    for (const sink of this.sinks) sink(channel, payload);
  }

  /** A shell adds one sink per window or WebSocket client. */
  attach(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
}
