/**
 * The API contract: TypeBox schemas of the responses, which the routes declare (serialization and the
 * OpenAPI document at /openapi.json), with their Static types, which the metric modules return and the
 * dashboard imports (`import type` only: no server code reaches the bundle). Pure: imports nothing of the project.
 */
export * from './common.js';
export * from './analytics.js';
export * from './cohorts.js';
export * from './segments.js';
export * from './activity-cohorts.js';
export * from './platform.js';
export * from './roi-assumptions.js';
export * from './metrics.js';
export * from './catalog.js';
export * from './keys.js';
export * from './access.js';
export * from './jobs.js';
export * from './audit.js';
export * from './exports.js';
export * from './reports.js';
export * from './comparison.js';
export * from './alerts.js';
export * from './drilldown.js';
export * from './insights.js';
export * from './dashboards.js';
export * from './integrations.js';
