import { ConnectorDefinition } from './connector';
import { echoConnector } from './echo/echo.connector';
import { filesConnector } from './files/files.connector';
import { githubConnector } from './github/github.connector';
import { googleConnector } from './google/google.connector';
import { jiraConnector } from './jira/jira.connector';
import { mysqlConnector } from './mysql/mysql.connector';
import { postgresConnector } from './postgres/postgres.connector';
import { s3Connector } from './s3/s3.connector';
import { shopifyConnector } from './shopify/shopify.connector';
import { slackConnector } from './slack/slack.connector';

/** Every connector this build knows. Deployments enable a subset (MOSAIC_SOURCES). */
export const CONNECTORS: Readonly<Record<string, ConnectorDefinition>> = {
  files: filesConnector,
  postgres: postgresConnector,
  mysql: mysqlConnector,
  github: githubConnector,
  slack: slackConnector,
  jira: jiraConnector,
  shopify: shopifyConnector,
  s3: s3Connector,
  google: googleConnector,
  echo: echoConnector,
};

export const DEFAULT_SOURCES = ['files', 'postgres'] as const;

export function getConnector(id: string): ConnectorDefinition | undefined {
  return Object.hasOwn(CONNECTORS, id) ? CONNECTORS[id] : undefined;
}
