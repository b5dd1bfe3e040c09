/**
 * The bus over Redis pub/sub: every instance publishes to one channel and subscribes to it, so each
 * hears every change whichever instance ingested it. While Redis is unreachable the bus keeps working
 * within the instance (messages are delivered locally) and says so once in the log.
 */
import type { Redis } from 'ioredis';
import type { Warn } from '../redis/connection.js';
import { InProcessBus, type EventBus, type Listener, type WorkflowChanged } from './bus.js';

export const CHANNEL = 'flowlens:workflow-changed';

export class RedisBus implements EventBus {
  private readonly local = new InProcessBus();
  private readonly subscriber: Redis;
  private degraded = false;

  constructor(
    private readonly publisher: Redis,
    private readonly warn: Warn,
  ) {
    // a connection in subscriber mode can do nothing else, so it is a second one
    this.subscriber = publisher.duplicate();
    this.subscriber.on('error', () => {});
    this.subscriber.on('ready', () => {
      void this.subscriber.subscribe(CHANNEL).catch((err) => this.warn('could not subscribe to the Redis bus', err));
    });
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel !== CHANNEL) return;
      try {
        this.local.publish(JSON.parse(text) as WorkflowChanged);
      } catch (err) {
        this.warn('ignored a malformed message on the Redis bus', err);
      }
    });
  }

  /** Resolves once this instance receives messages published by others. */
  async ready(): Promise<void> {
    if (this.subscriber.status !== 'ready') await new Promise((r) => this.subscriber.once('ready', r));
    await this.subscriber.subscribe(CHANNEL);
  }

  publish(message: WorkflowChanged): void {
    const deliverHere = (err?: unknown) => {
      if (!this.degraded) this.warn('the Redis bus is unreachable: live updates reach only this instance\'s streams until it is back', err);
      this.degraded = true;
      this.local.publish(message);
    };
    if (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return deliverHere();
    this.publisher.publish(CHANNEL, JSON.stringify(message)).then(
      () => (this.degraded = false),
      (err) => deliverHere(err),
    );
  }

  subscribe(listener: Listener): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
  }
}
