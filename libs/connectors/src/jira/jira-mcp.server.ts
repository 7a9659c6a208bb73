import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
// zod/v4 (shipped inside zod 3.25) on purpose: with zod v3 shapes the SDK's registerTool
// generics make tsc run out of memory.
import { z } from 'zod/v4';
import { adfToText, textToAdf } from './jira-adf';
import { JiraApiClient } from './jira-api.client';
import { JiraApiErrorCode, JiraApiException } from './jira-api.exception';
import { Issue } from './jira-api.schemas';

export interface JiraMcpServerOptions {
  client: JiraApiClient;
  /** `create_issue` and `update_issue` exist only when this is true. */
  allowWrites: boolean;
  /** Used by `query_jira` without JQL and by `create_issue` without a project. */
  defaultProject?: string;
}

const DEFAULT_MAX_ITEMS = 25;
const MAX_ITEMS_CEILING = 500;

const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-\d+$/;
const issueKey = z.string().regex(ISSUE_KEY, 'must be an issue key such as NW-123').describe('Issue key, e.g. NW-123.');
const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'must be a project key such as NW');
const maxItems = z
  .number()
  .int()
  .min(1)
  .max(MAX_ITEMS_CEILING)
  .optional()
  .describe(`Most items to return across pages (default ${DEFAULT_MAX_ITEMS}).`);

const READ_ONLY_TOOL = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
const WRITE_TOOL = { readOnlyHint: false, destructiveHint: false, openWorldHint: true };

/**
 * An MCP server over one Jira Cloud site (REST v3): project listing, JQL search and
 * single issues, plus issue creation and updates when writes are allowed. Failures come
 * back as tool errors (`isError: true`) carrying a code; no result or error holds a credential.
 */
export function createJiraMcpServer(options: JiraMcpServerOptions): McpServer {
  const { client, allowWrites, defaultProject } = options;
  const server = new McpServer({ name: 'mosaic-jira', version: '0.1.0' });

  server.registerTool(
    'list_projects',
    {
      title: 'List Jira projects',
      description: 'Lists the Jira projects the account can see (key, name, type, link), optionally filtered by name or key.',
      inputSchema: {
        query: z.string().max(200).optional().describe('Only projects whose key or name contains this text.'),
        max_items: maxItems,
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ query, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const page = await client.listProjects({ query, maxItems: max_items, signal: extra.signal });
        return {
          projects: page.items.map((p) => ({ key: p.key, name: p.name, type: p.projectTypeKey ?? null, url: client.browseUrl(p.key) })),
          count: page.items.length,
          total: page.total ?? null,
          truncated: page.truncated,
        };
      }),
  );

  server.registerTool(
    'query_jira',
    {
      title: 'Search Jira issues with JQL',
      description:
        'Runs a JQL query and returns matching issues: key, summary, status, priority, assignee, updated and a browse URL. ' +
        'Examples: text ~ "checkout outage" ORDER BY updated DESC; assignee = currentUser() AND statusCategory != Done.' +
        (defaultProject ? ` Without jql, lists the latest issues of project ${defaultProject}.` : ''),
      inputSchema: {
        jql: z.string().min(1).max(5_000).optional().describe('A JQL query.'),
        max_items: maxItems,
      },
      annotations: READ_ONLY_TOOL,
    },
    ({ jql, max_items = DEFAULT_MAX_ITEMS }, extra) =>
      respond(async () => {
        const query = jql ?? (defaultProject ? `project = ${defaultProject} ORDER BY updated DESC` : undefined);
        if (!query) {
          throw new JiraApiException(JiraApiErrorCode.MissingProject, 'give a jql query (no default project is configured)');
        }
        const page = await client.search(query, { maxItems: max_items, signal: extra.signal });
        return {
          jql: query,
          issues: page.items.map((issue) => issueSummary(client, issue)),
          count: page.items.length,
          total: page.total ?? null,
          truncated: page.truncated,
        };
      }),
  );

  server.registerTool(
    'get_issue',
    {
      title: 'Get a Jira issue',
      description: 'One issue by key: summary, status, priority, assignee, reporter, type, labels, dates and the description as plain text.',
      inputSchema: { key: issueKey },
      annotations: READ_ONLY_TOOL,
    },
    ({ key }, extra) =>
      respond(async () => {
        const issue = await client.getIssue(key, { signal: extra.signal });
        const f = issue.fields;
        return {
          ...issueSummary(client, issue),
          issue_type: f.issuetype?.name ?? null,
          project: f.project?.key ?? null,
          reporter: f.reporter?.displayName ?? null,
          labels: f.labels ?? [],
          created: f.created ?? null,
          description: adfToText(f.description),
        };
      }),
  );

  if (allowWrites) {
    server.registerTool(
      'create_issue',
      {
        title: 'Create a Jira issue',
        description: `Creates an issue${defaultProject ? ` (in ${defaultProject} unless "project" is given)` : ''} and returns its key and URL.`,
        inputSchema: {
          project: projectKey.optional().describe('Project key, e.g. NW.'),
          summary: z.string().min(1).max(255),
          description: z.string().max(30_000).optional().describe('Plain text; each line becomes a paragraph.'),
          issue_type: z.string().min(1).max(100).optional().describe('Default "Task".'),
          priority: z.string().min(1).max(100).optional(),
          labels: z.array(z.string().min(1).max(255)).max(20).optional(),
        },
        annotations: WRITE_TOOL,
      },
      ({ project, summary, description, issue_type = 'Task', priority, labels }, extra) =>
        respond(async () => {
          const target = project ?? defaultProject;
          if (!target) throw new JiraApiException(JiraApiErrorCode.MissingProject, 'give a project key (no default project is configured)');
          const created = await client.createIssue(
            { project: target, summary, issueType: issue_type, description: description ? textToAdf(description) : undefined, priority, labels },
            { signal: extra.signal },
          );
          return { key: created.key, id: created.id, url: client.browseUrl(created.key) };
        }),
    );

    server.registerTool(
      'update_issue',
      {
        title: 'Update a Jira issue',
        description: 'Changes the summary, description, priority or labels of one issue. Fields left out are not touched.',
        inputSchema: {
          key: issueKey,
          summary: z.string().min(1).max(255).optional(),
          description: z.string().max(30_000).optional().describe('Plain text; replaces the whole description.'),
          priority: z.string().min(1).max(100).optional(),
          labels: z.array(z.string().min(1).max(255)).max(20).optional().describe('Replaces all labels.'),
        },
        annotations: { ...WRITE_TOOL, idempotentHint: true },
      },
      ({ key, summary, description, priority, labels }, extra) =>
        respond(async () => {
          const updatedFields = await client.updateIssue(
            key,
            { summary, description: description === undefined ? undefined : textToAdf(description), priority, labels },
            { signal: extra.signal },
          );
          return { key, updated_fields: updatedFields, url: client.browseUrl(key) };
        }),
    );
  }

  return server;
}

function issueSummary(client: JiraApiClient, issue: Issue): Record<string, unknown> {
  const f = issue.fields;
  return {
    key: issue.key,
    summary: f.summary ?? '',
    status: f.status?.name ?? null,
    priority: f.priority?.name ?? null,
    assignee: f.assignee?.displayName ?? null,
    assignee_email: f.assignee?.emailAddress ?? null,
    updated: f.updated ?? null,
    url: client.browseUrl(issue.key),
  };
}

/** Runs a tool body and turns its value, or its failure, into a CallToolResult. */
async function respond(body: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    const structured = await body();
    return { content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
  } catch (error) {
    // Client errors are already redacted; anything else is reduced to its message.
    const failure =
      error instanceof JiraApiException
        ? error
        : new JiraApiException(JiraApiErrorCode.UnexpectedResponse, `jira call failed: ${error instanceof Error ? error.message : String(error)}`);
    return {
      isError: true,
      content: [{ type: 'text', text: failure.message }],
      structuredContent: { error: { code: failure.code, message: failure.message } },
    };
  }
}
