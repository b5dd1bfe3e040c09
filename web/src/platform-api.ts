/** Response shapes of the platform analytics endpoints: the API contract's (src/contract/platform.ts), imported as types only. */
import type { ExecutionSummaryResponse } from '../../src/contract/index.js';

export type {
  ActivityResponse,
  BreakdownResponse,
  BudgetsResponse,
  CostsResponse,
  EngagementResponse,
  ErrorsResponse,
  ExecutionsResponse,
  ForecastResponse,
  RankedWorkflow,
  RankingsResponse,
  RoiResponse,
  RoiRow,
} from '../../src/contract/index.js';

export type ExecutionsSummaryResponse = ExecutionSummaryResponse;
