import type { WfEvent } from "./wf-event.js";

/** Receives every event published on a bus. */
export type EventListener = (event: WfEvent) => void;

/** Where status events go. The in-process bus is the default; others plug in behind this. */
export interface EventBus {
  publish(event: WfEvent): void;
  /** Returns a function that unsubscribes. */
  subscribe(listener: EventListener): () => void;
}

/**
 * Delivers events synchronously to in-process listeners. A listener that throws is reported on
 * `onListenerError` and never breaks the publisher (a dashboard bug must not fail a task).
 */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (error: unknown, event: WfEvent) => void = () => {}) {}

  publish(event: WfEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
