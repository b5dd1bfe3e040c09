/**
 * A small workflow runner, instrumented with @flowlens/sdk: it runs an onboarding workflow (send a welcome
 * email, wait, check that the contact opened it, offer a discount, wait for a purchase) for each contact that
 * signs up, tracks every execution's lifecycle, and splits contacts between two subject lines with the
 * experiment's assignment, computed locally.
 *
 *   FLOWLENS_URL=http://127.0.0.1:8080 FLOWLENS_API_KEY=… [FLOWLENS_EXPERIMENT_ID=…] npx tsx examples/onboarding-runner.ts
 */
import { assign, Flowlens, type Assignable, type StepType } from '../src/index.js';

export interface Contact {
  id: string;
  email: string;
}

/** What a step may decide: go on (nothing), end the execution early, or record a conversion and go on. */
type Outcome = void | { exit: string } | { goal: string; value?: number };

interface Step {
  id: string;
  type: StepType;
  actionType?: string;
  /** What the step costs each time it runs (an email, an SMS, an LLM call …). */
  costUsd?: number;
  run(contact: Contact, variant: string): Promise<Outcome>;
}

interface Workflow {
  id: string;
  version: number;
  steps: Step[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A stand-in for the outside world, deterministic per contact so that a run can be checked. */
const roll = (contact: Contact, salt: string) => [...`${salt}:${contact.id}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 100;

export const onboarding: Workflow = {
  id: 'onboarding',
  version: 3,
  steps: [
    {
      id: 'send-welcome', type: 'action', actionType: 'send_email', costUsd: 0.001,
      async run(contact) {
        await sleep(5); // the email provider's API
        if (roll(contact, 'bounce') < 5) throw Object.assign(new Error(`${contact.email} bounced`), { code: 'EMAIL_BOUNCED' });
      },
    },
    { id: 'wait-a-day', type: 'wait', run: () => sleep(10) },
    {
      id: 'opened?', type: 'condition',
      async run(contact) {
        if (roll(contact, 'open') < 20) return { exit: 'did_not_open' };
        if (roll(contact, 'unsubscribe') < 5) return { exit: 'unsubscribed' };
      },
    },
    {
      id: 'send-discount', type: 'action', actionType: 'send_email', costUsd: 0.001,
      async run(contact, variant) {
        await sleep(5);
        // the experiment: does "20% off" sell better than "Free shipping"?
        if (roll(contact, 'buy') < (variant === 'discount' ? 30 : 20)) return { goal: 'purchase', value: 49 };
      },
    },
  ],
};

export type Ending = 'completed' | 'exited' | 'failed';

/** Runs one execution of a workflow for a contact, tracking its lifecycle. */
export async function runExecution(flowlens: Flowlens, workflow: Workflow, contact: Contact, executionId: string, variant: string): Promise<Ending> {
  const execution = flowlens.execution(workflow.id, executionId, { contactId: contact.id, version: workflow.version, variant, triggerType: 'form_submitted' });
  void execution.started();
  try {
    for (const step of workflow.steps) {
      const tracked = execution.step(step.id, step.type, step.actionType ? { actionType: step.actionType } : {});
      // started, then completed with its duration, or failed with the error (thrown again)
      const outcome = await tracked.run(() => step.run(contact, variant));
      if (step.costUsd) void tracked.cost(step.costUsd, 1);
      if (outcome && 'exit' in outcome) {
        void execution.exited(outcome.exit);
        return 'exited';
      }
      if (outcome && 'goal' in outcome) void execution.goal(outcome.goal, outcome.value);
    }
    void execution.completed();
    return 'completed';
  } catch (err) {
    void execution.failed(err as Error);
    return 'failed';
  }
}

/** The experiment from the API (salt, variants, rollout), or a fixed split when there is none. */
async function experiment(url: string, apiKey: string, id: string | undefined): Promise<Assignable> {
  if (!id) return { salt: 'no-experiment', variants: [{ key: 'discount', weight: 1 }, { key: 'free_shipping', weight: 1 }] };
  const res = await fetch(`${url}/api/v1/experiments/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!res.ok) throw new Error(`GET /api/v1/experiments/${id} answered ${res.status}`);
  return (await res.json()) as Assignable;
}

/** Signs up `contacts` contacts, 20 at a time, and runs the workflow for each. */
export async function main(options: { url: string; apiKey: string; experimentId?: string; contacts?: number }) {
  const flowlens = new Flowlens({
    url: options.url,
    apiKey: options.apiKey,
    spoolDir: process.env.FLOWLENS_SPOOL_DIR, // optional: keep unsent batches across restarts
    onRejected: (rejections) => console.error('refused by Flowlens:', JSON.stringify(rejections)),
    onError: (error) => console.error('Flowlens:', error.message),
  });
  const split = await experiment(options.url, options.apiKey, options.experimentId);
  const endings: Record<Ending, number> = { completed: 0, exited: 0, failed: 0 };
  const variants: Record<string, number> = {};
  const total = options.contacts ?? 200;
  for (let i = 0; i < total; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, total - i) }, async (_, k) => {
        const contact = { id: `contact-${i + k}`, email: `person${i + k}@example.com` };
        const { variant } = assign(split, contact.id);
        variants[variant] = (variants[variant] ?? 0) + 1;
        endings[await runExecution(flowlens, onboarding, contact, `signup-${i + k}`, variant)]++;
      }),
    );
  }
  await flowlens.close(); // sends what is queued; with a spool, what could not be sent waits on disk
  return { endings, variants, stats: flowlens.stats() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await main({ url: process.env.FLOWLENS_URL ?? 'http://127.0.0.1:8080', apiKey: process.env.FLOWLENS_API_KEY ?? '', experimentId: process.env.FLOWLENS_EXPERIMENT_ID });
  console.log(result);
}
