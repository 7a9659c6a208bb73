// Local fakes of the SaaS APIs our connectors call, speaking their real wire formats. For tests
// only (imported as @mosaic/connectors/testing); nothing in production code imports this file.
export * from './jira/testing/fake-jira.server';
export * from './shopify/testing/fake-shopify.server';
export * from './slack/testing/fake-slack.server';
export * from './github/testing/fake-github.server';
export * from './registered/testing/wiki-mcp.server';
export * from './s3/testing/s3rver.server';
export * from './s3/testing/faulty-s3.proxy';
export * from './s3/testing/s3-fixtures';
export * from './google/testing/fake-google.server';
export { DIGEST_ISSUES, DIGEST_SINCE, DIGEST_UNTIL, DIGEST_WORKFLOW_RUNS } from './github/testing/fake-github.fixtures';
