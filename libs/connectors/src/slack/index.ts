export { SlackApiClient, DEFAULT_SLACK_API_URL, type SlackApiClientOptions } from './slack-api.client';
export { SlackApiErrorCode, SlackApiException } from './slack-api.exception';
export { createSlackMcpServer, type SlackMcpServerOptions } from './slack-mcp.server';
export { slackConnector, answerFromSlack } from './slack.connector';
