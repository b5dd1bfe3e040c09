/**
 * The integrations service behind /api/v1/integrations: create, list, read, change and delete an account's
 * integrations (credentials encrypted on the way in, only their names on the way out), queue a sync on demand, the
 * run history with the success rate. Checks what the connector of the kind requires.
 */
import crypto from 'node:crypto';
import type { IntegrationInput, IntegrationOut, IntegrationPatch, RunOut } from '../contract/integrations.js';
import { InvalidInput, NotFound, type FieldError } from '../errors/domain-errors.js';
import type { Connector, IntegrationKind } from './connector.js';
import type { IntegrationScheduler } from './schedule.js';
import { decryptCredentials, encryptCredentials, type Credentials } from './secrets.js';
import type { Integration, IntegrationStore, Run } from './store.js';

/** Finished runs the success rate counts. */
export const SUCCESS_RATE_RUNS = 100;
export const DEFAULT_SCHEDULE_MINUTES = 60;

export class Integrations {
  constructor(
    private readonly store: IntegrationStore,
    private readonly key: Buffer,
    private readonly connectors: ReadonlyMap<IntegrationKind, Connector>,
    private readonly scheduler: IntegrationScheduler,
  ) {}

  async list(account: string): Promise<IntegrationOut[]> {
    return Promise.all((await this.store.list(account)).map((i) => this.out(i)));
  }

  async get(account: string, id: string): Promise<IntegrationOut> {
    return this.out(await this.find(account, id));
  }

  async create(account: string, input: IntegrationInput): Promise<IntegrationOut> {
    const connector = this.connectorOf(input.kind);
    const config = input.config ?? {};
    check(connector, config, input.credentials);
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    const saved = await this.store.save({
      account_id: account, id, kind: input.kind, name: input.name, config,
      credentials_enc: encryptCredentials(this.key, id, clean(input.credentials)),
      schedule_minutes: input.schedule_minutes ?? DEFAULT_SCHEDULE_MINUTES, enabled: input.enabled ?? true, created_at: now, updated_at: now,
    });
    return this.out(saved);
  }

  async update(account: string, id: string, patch: IntegrationPatch): Promise<IntegrationOut> {
    const current = await this.find(account, id);
    const credentials = clean({ ...decryptCredentials(this.key, id, current.credentials_enc), ...(patch.credentials ?? {}) });
    const config = patch.config ?? current.config;
    check(this.connectorOf(current.kind), config, credentials);
    const saved = await this.store.save({
      ...current,
      name: patch.name ?? current.name,
      config,
      credentials_enc: patch.credentials ? encryptCredentials(this.key, id, credentials) : current.credentials_enc,
      schedule_minutes: patch.schedule_minutes ?? current.schedule_minutes,
      enabled: patch.enabled ?? current.enabled,
    });
    return this.out(saved);
  }

  async remove(account: string, id: string): Promise<void> {
    const current = await this.find(account, id);
    await this.store.save(current, true);
    await this.store.purge(account, id);
  }

  async sync(account: string, id: string): Promise<Run> {
    return this.scheduler.runNow(await this.find(account, id));
  }

  async runs(account: string, id: string, limit: number): Promise<{ runs: RunOut[]; success_rate: IntegrationOut['success_rate'] }> {
    await this.find(account, id);
    const [runs, success_rate] = await Promise.all([this.store.runs(account, id, limit), this.store.successRate(account, id, SUCCESS_RATE_RUNS)]);
    return { runs: runs.map(runOut), success_rate };
  }

  private async find(account: string, id: string): Promise<Integration> {
    const i = await this.store.get(account, id);
    if (!i) throw new NotFound(`Integration ${id} does not exist`);
    return i;
  }

  private connectorOf(kind: IntegrationKind): Connector {
    const c = this.connectors.get(kind);
    if (!c) throw new InvalidInput(`integrations of kind ${kind} are not available in this installation`, [{ path: '/kind', message: `one of ${[...this.connectors.keys()].join(', ')}` }]);
    return c;
  }

  private async out(i: Integration): Promise<IntegrationOut> {
    const [last, success_rate] = await Promise.all([this.store.runs(i.account_id, i.id, 1), this.store.successRate(i.account_id, i.id, SUCCESS_RATE_RUNS)]);
    let credentials_set: string[];
    try {
      credentials_set = Object.keys(decryptCredentials(this.key, i.id, i.credentials_enc)).sort();
    } catch {
      credentials_set = [];
    }
    return {
      integration_id: i.id, kind: i.kind, name: i.name, config: i.config, credentials_set, schedule_minutes: i.schedule_minutes, enabled: i.enabled,
      created_at: i.created_at, updated_at: i.updated_at, last_run: last[0] ? runOut(last[0]) : null, success_rate,
    };
  }
}

const clean = (c: Credentials): Credentials => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== ''));

/** Every setting and credential the connector requires is there and not blank. */
function check(connector: Connector, config: Record<string, string>, credentials: Credentials): void {
  const errors: FieldError[] = [
    ...connector.requiredConfig.filter((k) => !config[k]?.trim()).map((k) => ({ path: `/config/${k}`, message: `${connector.kind} needs ${k}` })),
    ...connector.requiredCredentials.filter((k) => !credentials[k]?.trim()).map((k) => ({ path: `/credentials/${k}`, message: `${connector.kind} needs ${k}` })),
  ];
  if (errors.length > 0) throw new InvalidInput(`the ${connector.kind} integration is missing ${errors.map((e) => e.path.split('/').pop()).join(', ')}`, errors);
}

export function runOut(r: Run): RunOut {
  const { account_id: _account, ...rest } = r;
  return rest;
}
