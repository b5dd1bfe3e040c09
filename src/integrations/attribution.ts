/**
 * CRM lead attribution: which workflows the people of a won deal went through before it closed, and the deal's credit
 * split between them by a model.
 *
 * - Deals: external_records of object deal (HubSpot) or opportunity (Salesforce) whose closed_won_at falls in
 *   [from, to). Amounts stay in their own currencies (no conversion): revenue is reported per currency.
 * - A deal's people: the contacts/leads it is linked to (either side's RELATED_FIELD, connector.ts: a HubSpot deal lists
 *   its associated contacts, a Salesforce lead names the opportunity it was converted into), and the deal's own
 *   contact_key if the service gave one. A person's contact_key is the value the workflow engine sends as
 *   contact_id (HubSpot: the contact property named by config contact_key_property, default email; Salesforce: the
 *   Lead field named by config contact_key_field, default Email), compared exactly.
 * - Touches: the enrollments (execution_facts) of those contact ids in any workflow of the account, enrolled at or
 *   before the deal closed. A deal without touches is won but unattributed.
 * - Credit of one deal: first_touch gives 1 to the earliest touch, last_touch to the latest (ties broken by
 *   execution id), linear 1/n to each of its n touches (a workflow enrolling the person twice gets two shares).
 *   A workflow's deals_won is the sum of its credits, its revenue the sum of credit × amount per currency, its
 *   contacts the distinct contact ids of its credited touches, its deals_touched the deals it touched at all.
 * The counting is one ClickHouse query; credit is computed over every workflow before the optional filter, so a
 * workflow's share does not depend on which workflows are asked about.
 */
import { InvalidInput } from '../errors/domain-errors.js';
import { formatDateTime } from '../store/params.js';
import type { Store } from '../store/store.js';
import { RELATED_FIELD } from './connector.js';

export const ATTRIBUTION_MODELS = ['first_touch', 'last_touch', 'linear'] as const;
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number];

export interface AttributionQuery {
  accountId: string;
  /** Only these workflows' rows (credit is still split over every workflow's touches); absent: all. */
  workflowIds?: readonly string[];
  from: Date;
  to: Date;
  model: AttributionModel;
}

export interface MoneyAmount {
  currency: string;
  amount: number;
}

export interface WorkflowAttribution {
  workflow_id: string;
  deals_won: number;
  deals_touched: number;
  contacts: number;
  revenue: MoneyAmount[];
}

export interface Attribution {
  model: AttributionModel;
  from: string;
  to: string;
  workflows: WorkflowAttribution[];
  /** Every deal won in the period, attributed or not, and how many had at least one touch. */
  totals: { deals_won: number; deals_attributed: number; revenue: MoneyAmount[] };
}

const WON_DEALS = `
  SELECT integration_id, external_id AS deal_id, contact_key, fields[{related:String}] AS related, closed_won_at, currency, ifNull(amount, 0) AS amount
  FROM external_records FINAL
  WHERE account_id = {account:String} AND object IN ('deal', 'opportunity')
    AND closed_won_at >= {from:DateTime64(3, 'UTC')} AND closed_won_at < {to:DateTime64(3, 'UTC')}`;

const PEOPLE = `
  SELECT integration_id, external_id AS person_id, contact_key, fields[{related:String}] AS related
  FROM external_records FINAL
  WHERE account_id = {account:String} AND object IN ('contact', 'lead') AND contact_key != ''`;

/** (integration, deal, contact key) for every person linked to a won deal, by either side's links or the deal's own key. */
const DEAL_PEOPLE = `
  SELECT DISTINCT integration_id, deal_id, contact_key FROM (
    SELECT d.integration_id AS integration_id, d.deal_id AS deal_id, p.contact_key AS contact_key
    FROM (SELECT integration_id, deal_id, arrayJoin(splitByChar(',', related)) AS person_id FROM won WHERE related != '') AS d
    INNER JOIN people AS p ON p.integration_id = d.integration_id AND p.person_id = d.person_id
    UNION ALL
    SELECT p.integration_id, p.deal_id, p.contact_key
    FROM (SELECT integration_id, contact_key, arrayJoin(splitByChar(',', related)) AS deal_id FROM people WHERE related != '') AS p
    INNER JOIN won AS w ON w.integration_id = p.integration_id AND w.deal_id = p.deal_id
    UNION ALL
    SELECT integration_id, deal_id, contact_key FROM won WHERE contact_key != '')`;

const TOUCHES = `
  SELECT dp.integration_id AS integration_id, dp.deal_id AS deal_id, dp.contact_key AS contact_key, f.workflow_id AS workflow_id,
         f.enrolled_at AS enrolled_at, f.execution_id AS execution_id
  FROM deal_people AS dp
  INNER JOIN won AS w ON w.integration_id = dp.integration_id AND w.deal_id = dp.deal_id
  INNER JOIN (
    SELECT workflow_id, contact_id, enrolled_at, execution_id FROM execution_facts FINAL
    WHERE account_id = {account:String} AND enrolled_at < {to:DateTime64(3, 'UTC')} AND contact_id IN (SELECT contact_key FROM deal_people)
  ) AS f ON f.contact_id = dp.contact_key
  WHERE f.enrolled_at <= w.closed_won_at`;

const CREDITED = `
  SELECT integration_id, deal_id, contact_key, workflow_id,
         multiIf({model:String} = 'first_touch', toFloat64(first_rank = 1), {model:String} = 'last_touch', toFloat64(last_rank = 1), 1 / touches) AS credit
  FROM (
    SELECT *,
      row_number() OVER (PARTITION BY integration_id, deal_id ORDER BY enrolled_at, execution_id) AS first_rank,
      row_number() OVER (PARTITION BY integration_id, deal_id ORDER BY enrolled_at DESC, execution_id DESC) AS last_rank,
      count() OVER (PARTITION BY integration_id, deal_id) AS touches
    FROM touches)`;

const WITH = `WITH won AS (${WON_DEALS}), people AS (${PEOPLE}), deal_people AS (${DEAL_PEOPLE}), touches AS (${TOUCHES}), credited AS (${CREDITED})`;

export const ATTRIBUTION_SQL = `${WITH}
  SELECT c.workflow_id AS workflow_id,
         sumIf(c.credit, c.credit > 0) AS deals_won,
         uniqExact(c.integration_id, c.deal_id) AS deals_touched,
         uniqExactIf(c.contact_key, c.credit > 0) AS contacts,
         sumMap(map(w.currency, c.credit * w.amount)) AS revenue
  FROM credited AS c INNER JOIN won AS w ON w.integration_id = c.integration_id AND w.deal_id = c.deal_id
  WHERE {all:UInt8} = 1 OR c.workflow_id IN {workflows:Array(String)}
  GROUP BY c.workflow_id
  ORDER BY deals_won DESC, c.workflow_id`;

export const TOTALS_SQL = `${WITH}
  SELECT count() AS deals_won, countIf((integration_id, deal_id) IN (SELECT integration_id, deal_id FROM touches)) AS deals_attributed,
         sumMap(map(currency, amount)) AS revenue
  FROM won`;

const money = (m: Record<string, number>): MoneyAmount[] =>
  Object.entries(m).filter(([, amount]) => Math.abs(amount) >= 0.005).map(([currency, amount]) => ({ currency, amount: Math.round(amount * 100) / 100 })).sort((a, b) => a.currency.localeCompare(b.currency));

export async function attributeDeals(store: Store, q: AttributionQuery): Promise<Attribution> {
  if (!(ATTRIBUTION_MODELS as readonly string[]).includes(q.model)) {
    throw new InvalidInput(`unknown attribution model "${q.model}"`, [{ path: '/model', message: `must be one of ${ATTRIBUTION_MODELS.join(', ')}` }]);
  }
  const params = { related: RELATED_FIELD, account: q.accountId, from: formatDateTime(q.from), to: formatDateTime(q.to), model: q.model, all: q.workflowIds ? 0 : 1, workflows: [...(q.workflowIds ?? [])] };
  const [rows, totals] = await Promise.all([
    store.query<{ workflow_id: string; deals_won: number; deals_touched: number; contacts: number; revenue: Record<string, number> }>(ATTRIBUTION_SQL, params),
    store.query<{ deals_won: number; deals_attributed: number; revenue: Record<string, number> }>(TOTALS_SQL, params),
  ]);
  const t = totals[0] ?? { deals_won: 0, deals_attributed: 0, revenue: {} };
  return {
    model: q.model,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    workflows: rows.map((r) => ({ ...r, deals_won: Math.round(r.deals_won * 1e6) / 1e6, revenue: money(r.revenue) })),
    totals: { deals_won: t.deals_won, deals_attributed: t.deals_attributed, revenue: money(t.revenue) },
  };
}
