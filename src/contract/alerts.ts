/**
 * Alerting: rules (/api/v1/alerts/rules), the alerts they raise (/api/v1/alerts), their history and deliveries,
 * silences, and the anomaly bands of a watched metric (GET /api/v1/workflows/{id}/analytics/anomalies).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Dict, Int, NullNum, NullStr, Num, obj } from './common.js';

const Severity = Type.Unsafe<'info' | 'warning' | 'critical'>({ type: 'string', enum: ['info', 'warning', 'critical'] });

export const AlertRuleOut = obj({
  rule_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  metric: Type.String({ description: 'a watchable metric of GET /api/v1/metrics' }),
  scope: Type.Unknown({ description: '{type: workflow, workflow_id} | {type: each_workflow} | {type: account}' }),
  detector: Type.Unknown({ description: '{type: threshold, threshold, direction} | {type: change, percent, direction, against} | {type: anomaly, sensitivity, direction}' }),
  bucket: Type.Unsafe<'hour' | 'day'>({ type: 'string', enum: ['hour', 'day'] }),
  min_volume: Int,
  interval_minutes: Int,
  for_minutes: Int,
  severity: Severity,
  labels: Dict(Type.String()),
  channels: Type.Array(Type.Unknown(), { description: 'email {to}, slack {webhook_url}, webhook {url, secret (masked)}' }),
  timezone: Type.String(),
  enabled: Type.Boolean(),
  created_by: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type AlertRuleOut = Static<typeof AlertRuleOut>;
export const AlertRulesResponse = obj({ rules: Type.Array(AlertRuleOut) });

export const AlertRecordOut = obj({
  alert_id: Type.String(),
  rule_id: Type.String(),
  rule_name: Type.String(),
  metric: Type.String(),
  severity: Severity,
  labels: Dict(Type.String()),
  workflow_id: Type.Union([Type.String(), Type.Null()], { description: 'null: the account\'s workflows together' }),
  scope_key: Type.String(),
  status: Type.Unsafe<'pending' | 'firing' | 'resolved' | 'cancelled'>({ type: 'string', enum: ['pending', 'firing', 'resolved', 'cancelled'] }),
  started_at: Type.String({ description: 'when the breach began' }),
  fired_at: NullStr,
  resolved_at: NullStr,
  acknowledged_at: NullStr,
  acknowledged_by: Type.String(),
  bucket: Type.String({ description: 'the bucket last judged' }),
  value: NullNum,
  expected: NullNum,
  lower: NullNum,
  upper: NullNum,
  score: NullNum,
  summary: Type.String({ description: 'what moved, by how much, against what' }),
  updated_at: Type.String(),
});
export type AlertRecordOut = Static<typeof AlertRecordOut>;
export const AlertListResponse = obj({ alerts: Type.Array(AlertRecordOut) });

export const AlertHistoryResponse = obj({
  alert: AlertRecordOut,
  transitions: Type.Array(obj({ at: Type.String(), from_status: Type.String(), to_status: Type.String(), value: NullNum, expected: NullNum, summary: Type.String() })),
  deliveries: Type.Array(obj({
    kind: Type.String(), channel: Type.String(), target: Type.String(), attempt: Int, at: Type.String(), ok: Type.Boolean(), status: Type.Union([Int, Type.Null()]),
    error: NullStr, duration_ms: Num,
  }), { description: 'every delivery attempt, in order' }),
});
export type AlertHistoryResponse = Static<typeof AlertHistoryResponse>;

export const SilenceOut = obj({
  silence_id: Type.String(),
  rule_id: NullStr,
  workflow_id: NullStr,
  severity: NullStr,
  labels: Dict(Type.String()),
  starts_at: Type.String(),
  ends_at: Type.String(),
  comment: Type.String(),
  created_by: Type.String(),
  created_at: Type.String(),
});
export const SilencesResponse = obj({ silences: Type.Array(SilenceOut) });

export const RuleEvaluationsResponse = obj({
  evaluations: Type.Array(obj({
    rule_id: Type.String(), workflow_id: NullStr, transition: Type.String(), alert_id: NullStr, status: Type.String(),
    evaluation: obj({ breached: Type.Boolean(), bucket: Num, value: NullNum, expected: NullNum, lower: NullNum, upper: NullNum, score: NullNum, volume: Num, summary: Type.String() }),
  })),
});

export const AnomaliesResponse = obj({
  workflow_id: Type.String(),
  metric: Type.String(),
  unit: Type.String(),
  bucket: Type.Unsafe<'hour' | 'day'>({ type: 'string', enum: ['hour', 'day'] }),
  sensitivity: Type.String(),
  seasonality: Type.String({ description: 'the baseline\'s seasonal slots: hour_of_week, hour_of_day, day_of_week or none' }),
  points: Type.Array(obj({
    t: Type.String({ description: 'bucket start (UTC)' }),
    value: NullNum, expected: NullNum, lower: NullNum, upper: NullNum, score: NullNum, anomaly: Type.Boolean(),
    suppressed: Type.Union([Type.String(), Type.Null()], { description: 'why a point is not judged: low_volume, no_data, warming_up' }),
  })),
});
export type AnomaliesResponse = Static<typeof AnomaliesResponse>;
