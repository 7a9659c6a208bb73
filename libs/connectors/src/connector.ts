import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { SourceItem } from '@mosaic/contracts';
import { SourceDescriptor } from '@mosaic/llm';
import { McpLaunchSpec, ToolOutcome } from './mcp/mcp-session';
import { ParameterInjection } from './parameter-injection';

export interface ConnectorMetadata {
  id: string;
  name: string;
  description: string;
  icon: string;
}

/**
 * A credential a user (or the deployment) supplies, and the env var it maps to. A user's `url`
 * values pass the worker's egress guard and `path` values must lie in an operator-allowed folder.
 */
export interface CredentialField {
  name: string;
  label: string;
  type: 'text' | 'password' | 'url' | 'path';
  required: boolean;
  envVar: string;
}

/** Seed-style direct routing: any keyword in the question picks the tool. */
export interface DirectRoutingPattern {
  keywords: readonly string[];
  tool: string;
  args?: Record<string, unknown>;
}

/** Calls one tool of the connector's MCP server (breaker, timeout, events, metrics included). */
export type ToolCaller = (tool: string, args: Record<string, unknown>) => Promise<ToolOutcome>;

export interface StrategyResult {
  items: SourceItem[];
  summary: string;
}

/** What a strategy may ask of the live server besides calling tools. */
export interface StrategyContext {
  /** The server's current tool list (cached per session). */
  listTools(): Promise<Tool[]>;
}

/**
 * The local provider's way of answering from this source: a short, deterministic
 * sequence of tool calls chosen from the question, turned into citeable items.
 */
export type LocalStrategy = (
  query: string,
  call: ToolCaller,
  credentials: Readonly<Record<string, string>>,
  context?: StrategyContext,
) => Promise<StrategyResult>;

/**
 * The span a "What you missed" digest covers: from the user's previous login until now. Items
 * count when `since < time <= until`; `timeZone` (IANA) says what "today" means for the user.
 */
export interface DigestWindow {
  /** ISO 8601: the previous login. */
  since: string;
  /** ISO 8601: now. */
  until: string;
  /** IANA time zone, e.g. Europe/Lisbon; UTC when absent. */
  timeZone?: string;
  /** The user's email, for sources whose credentials do not say who the user is. */
  userEmail?: string;
}

/** What changed for the user in one source within a digest window, as citeable items. */
export type DigestStrategy = (
  window: DigestWindow,
  call: ToolCaller,
  credentials: Readonly<Record<string, string>>,
) => Promise<StrategyResult>;

export interface LaunchOptions {
  allowWrites?: boolean;
}

export interface ConnectorDefinition {
  metadata: ConnectorMetadata;
  /** Words that make the planner pick this source. */
  keywords: readonly string[];
  credentialFields: readonly CredentialField[];
  directRouting: readonly DirectRoutingPattern[];
  /** One cheap real call that proves the credentials work (`POST /api/datasources/{id}/test`). */
  probe?: { tool: string; args: Record<string, unknown> };
  /** Context filled into tool arguments the caller left out (user email, default project, time window). */
  injections?: readonly ParameterInjection[];
  /**
   * Builds the MCP launch spec from the values of the credential fields. Write tools exist only
   * when `allowWrites` (the request asked for them explicitly); otherwise the server is read-only.
   */
  launch(credentials: Readonly<Record<string, string>>, options?: LaunchOptions): McpLaunchSpec;
  localStrategy: LocalStrategy;
  /** What changed for the user in this source within the window (the digest since their previous login). */
  digestStrategy?: DigestStrategy;
  /**
   * The tools a model may be offered for this task. Default: the server's tools, read-only ones
   * only unless writes are allowed. Registered servers offer only tools that match their pins.
   */
  modelTools?: (context: StrategyContext, options: { allowWrites: boolean }) => Promise<Tool[]>;
}

export function describeSource(definition: ConnectorDefinition): SourceDescriptor {
  const { id, name, description } = definition.metadata;
  return { id, name, description, keywords: definition.keywords };
}

/** The first routing pattern whose keyword occurs in the question, if any. */
export function directRoute(definition: ConnectorDefinition, query: string): DirectRoutingPattern | undefined {
  const lower = query.toLowerCase();
  return definition.directRouting.find((p) => p.keywords.some((k) => new RegExp(`\\b${k}\\b`).test(lower)));
}

/** Reads each credential field from the environment by its env var. */
export function credentialsFromEnv(definition: ConnectorDefinition, env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of definition.credentialFields) {
    const value = env[field.envVar];
    if (value) values[field.name] = value;
  }
  return values;
}

export function missingCredentials(definition: ConnectorDefinition, credentials: Readonly<Record<string, string>>): string[] {
  return definition.credentialFields.filter((f) => f.required && !credentials[f.name]).map((f) => f.envVar);
}
