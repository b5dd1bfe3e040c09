/**
 * Delivery with retries, for notifications (budget alerts, experiment decisions): up to `tries` attempts,
 * `retryMs` apart; answers "sent" or "failed: <last error>" (kept with what was delivered). A webhook whose
 * target is refused (not a public address) is not retried: it would be refused again.
 */
import { WebhookTargetRefused } from './webhook-target.js';

export async function withRetries(tries: number, retryMs: number, send: () => Promise<void>): Promise<string> {
  let last = '';
  for (let i = 0; i < tries; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, retryMs));
    try {
      await send();
      return 'sent';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
      if (err instanceof WebhookTargetRefused) break;
    }
  }
  return `failed: ${last}`.slice(0, 500);
}
