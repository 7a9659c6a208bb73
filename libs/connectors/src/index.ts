export * from './connector';
export * from './catalog';
export * from './paths';
export * from './mcp/mcp-session';
export { filesConnector, markdownSections, splitMultipleFiles } from './files/files.connector';
export { postgresConnector, parseSearchRows } from './postgres/postgres.connector';
export { echoConnector } from './echo/echo.connector';
export * from './postgres';
export * from './parameter-injection';
