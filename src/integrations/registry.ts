/**
 * The connectors this installation offers, by kind, built with the configured service addresses. A kind without a
 * connector here cannot be created through the API.
 */
import type { Config } from '../config/config.js';
import type { Connector, IntegrationKind } from './connector.js';
import { ga4Connector } from './ga4.js';
import { hubspotConnector } from './hubspot.js';
import { salesforceConnector } from './salesforce.js';

export function connectorsFor(config: Pick<Config, 'integrationUrls'>): Map<IntegrationKind, Connector> {
  return new Map<IntegrationKind, Connector>([
    ['hubspot', hubspotConnector(config.integrationUrls.hubspot)],
    ['salesforce', salesforceConnector(config.integrationUrls.salesforceLogin)],
    ['ga4', ga4Connector({ dataApi: config.integrationUrls.ga4DataApi, measurement: config.integrationUrls.ga4Measurement, oauth: config.integrationUrls.ga4OAuth })],
  ]);
}
