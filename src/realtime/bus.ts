/**
 * The event bus that tells live streams a workflow's figures may have changed. Two implementations
 * behind one interface: in-process (default) and Redis pub/sub (`--redis-url`, ./redis-bus.ts), so a
 * dashboard connected to any instance hears about events ingested at another.
 */

/** What travels on the bus: which workflow changed (the receiver recomputes what it shows). */
export interface WorkflowChanged {
  account: string;
  workflow: string;
  /** When the change was published (epoch ms), for delivery-latency measurements. */
  at: number;
  /** The publishing instance (random per process), so that an instance tells others' changes from its own. */
  origin?: string;
  /**
   * An alert fired or resolved (src/alerts): live streams of the workflow send it as an `alert` event (an account-wide
   * alert, `workflow` '', goes to none); the figures did not change.
   */
  alert?: Record<string, unknown>;
}

export type Listener = (message: WorkflowChanged) => void;

export interface EventBus {
  publish(message: WorkflowChanged): void;
  /** Subscribes to every workflow change; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void;
  close(): Promise<void>;
}

export class InProcessBus implements EventBus {
  private readonly listeners = new Set<Listener>();

  publish(message: WorkflowChanged): void {
    for (const l of this.listeners) l(message);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
