import { z } from 'zod';
import { ClientInfoSchema, PrincipalSchema } from './auth';
import { sourceTaskSubject } from './subjects';

/**
 * MCP servers a tenant registers as sources. Each becomes the source `mcp-<name>`, served by
 * the `mcp` connector worker. Subjects are part of the wire contract: never renamed in place.
 */
export const REGISTERED_SOURCE_PREFIX = 'mcp-';
/** The connector (worker deployment, task subject) serving every registered server. */
export const REGISTERED_MCP_CONNECTOR = 'mcp';

export const MCP_SERVER_SUBJECTS = {
  /** gateway → auth: store a registration (after the worker discovered its tools). */
  create: 'mosaic.auth.v1.mcp-server.create',
  /** gateway → auth: the tenant's registrations (never header values). */
  list: 'mosaic.auth.v1.mcp-server.list',
  /** gateway → auth: one registration, for re-approval. */
  get: 'mosaic.auth.v1.mcp-server.get',
  delete: 'mosaic.auth.v1.mcp-server.delete',
  /** gateway → auth: pin the tools as rediscovered now and enable them again. */
  approve: 'mosaic.auth.v1.mcp-server.approve',
  /** worker → auth: the launch spec with decrypted headers, and the pinned tools. Workers only. */
  resolve: 'mosaic.auth.v1.mcp-server.resolve',
  /** worker → auth: tools whose definition no longer matches the pin are disabled. Workers only. */
  reportDrift: 'mosaic.auth.v1.mcp-server.drift',
  /** gateway → worker(mcp): connect (egress-checked) and list the server's tools. */
  discover: 'mosaic.connector.v1.mcp.discover',
} as const;

/** `mcp-<name>`: the name is lowercase letters, digits and `-`, unique within the tenant. */
export const McpServerNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9-]*$/, 'name is lowercase letters, digits and "-", starting with a letter');

const HeaderNameSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'header names are letters, digits and "-"');
/** Header values are secrets (tokens): stored only in the vault, never returned. */
export const McpHeadersSchema = z
  .record(HeaderNameSchema, z.string().min(1).max(8192))
  .refine((h) => Object.keys(h).length <= 16, 'at most 16 headers')
  // HTTP header names are case-insensitive: `Authorization` and `authorization` would collide on the wire.
  .refine((h) => new Set(Object.keys(h).map((k) => k.toLowerCase())).size === Object.keys(h).length, 'header names must be unique ignoring case');

export const RegisterMcpServerRequestSchema = z.discriminatedUnion('transport', [
  z
    .object({
      transport: z.literal('http'),
      name: McpServerNameSchema,
      description: z.string().trim().min(1, 'description is required').max(500),
      url: z
        .string()
        .url('url must be an absolute http(s) URL')
        .max(2048)
        .regex(/^https?:\/\//i, 'url must be an absolute http(s) URL'),
      headers: McpHeadersSchema.optional(),
    })
    .strict(),
  z
    .object({
      transport: z.literal('stdio'),
      name: McpServerNameSchema,
      description: z.string().trim().min(1, 'description is required').max(500),
      /** The id of a command on the operator's allow-list (MCP_STDIO_COMMANDS), never a command line. */
      command: z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'command is the id of an operator allow-listed command'),
    })
    .strict(),
]);
export type RegisterMcpServerRequest = z.infer<typeof RegisterMcpServerRequestSchema>;

/** A tool as the server described it; `hash` pins description and input schema together. */
export const DiscoveredToolSchema = z.object({
  name: z.string().min(1).max(128),
  description: z.string().max(8192).default(''),
  input_schema: z.record(z.unknown()),
  read_only: z.boolean(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type DiscoveredTool = z.infer<typeof DiscoveredToolSchema>;

/** Tools to pin: a name is the key of its pin, so it appears once. */
const ToolsToPinSchema = z
  .array(DiscoveredToolSchema)
  .max(256)
  .refine((tools) => new Set(tools.map((t) => t.name)).size === tools.length, 'tool names must be unique');

/**
 * `approved`: callable. `changed`: the server's definition no longer matches the pin, so the
 * tool is disabled until an admin approves again. `new`: appeared after registration, disabled.
 */
export const PinnedToolSchema = DiscoveredToolSchema.extend({ status: z.enum(['approved', 'changed', 'new']) });
export type PinnedTool = z.infer<typeof PinnedToolSchema>;

/** What the worker needs to reach a server (headers in plaintext: only on worker subjects). */
export const McpServerSpecSchema = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('http'), url: z.string().url(), headers: z.record(z.string()).default({}) }),
  z.object({ transport: z.literal('stdio'), command: z.string() }),
]);
export type McpServerSpec = z.infer<typeof McpServerSpecSchema>;

export const McpServerViewSchema = z.object({
  id: z.string().uuid(),
  source: z.string(),
  name: z.string(),
  description: z.string(),
  transport: z.enum(['http', 'stdio']),
  url: z.string().nullable(),
  command: z.string().nullable(),
  /** Names only: values never leave the vault except to a worker. */
  header_names: z.array(z.string()),
  tools: z.array(PinnedToolSchema.omit({ input_schema: true })),
  created_at: z.string(),
  updated_at: z.string(),
});
export type McpServerView = z.infer<typeof McpServerViewSchema>;

const PrincipalRpc = z.object({ principal: PrincipalSchema, client: ClientInfoSchema });
export const CreateMcpServerRpcSchema = PrincipalRpc.extend({
  request: RegisterMcpServerRequestSchema,
  tools: ToolsToPinSchema,
});
export const McpServerIdRpcSchema = PrincipalRpc.extend({ id: z.string().uuid() });
export const ApproveMcpServerRpcSchema = McpServerIdRpcSchema.extend({ tools: ToolsToPinSchema });
export const ResolveMcpServerRpcSchema = z.object({ tenant_id: z.string().uuid(), source: z.string().min(1).max(64) });
export const ResolvedMcpServerSchema = z.object({
  id: z.string().uuid(),
  source: z.string(),
  name: z.string(),
  description: z.string(),
  spec: McpServerSpecSchema,
  tools: z.array(PinnedToolSchema),
});
export type ResolvedMcpServer = z.infer<typeof ResolvedMcpServerSchema>;
export const ReportDriftRpcSchema = z.object({
  tenant_id: z.string().uuid(),
  id: z.string().uuid(),
  /** Tool names whose live definition differs from the pin (or that are not pinned at all). */
  changed: z.array(z.string()).max(256),
  added: ToolsToPinSchema,
});
/** Discover a new server from its spec, or rediscover a registered one (the worker resolves its headers). */
export const DiscoverMcpServerRpcSchema = z.union([
  z.object({ tenant_id: z.string().uuid(), spec: McpServerSpecSchema }),
  z.object({ tenant_id: z.string().uuid(), source: z.string().min(1).max(64) }),
]);
export type DiscoverMcpServerRpc = z.infer<typeof DiscoverMcpServerRpcSchema>;
export const DiscoverMcpServerReplySchema = z.object({ tools: z.array(DiscoveredToolSchema) });

export const MCP_SERVER_RPC_SCHEMAS = {
  [MCP_SERVER_SUBJECTS.create]: CreateMcpServerRpcSchema,
  [MCP_SERVER_SUBJECTS.list]: PrincipalRpc,
  [MCP_SERVER_SUBJECTS.get]: McpServerIdRpcSchema,
  [MCP_SERVER_SUBJECTS.delete]: McpServerIdRpcSchema,
  [MCP_SERVER_SUBJECTS.approve]: ApproveMcpServerRpcSchema,
  [MCP_SERVER_SUBJECTS.resolve]: ResolveMcpServerRpcSchema,
  [MCP_SERVER_SUBJECTS.reportDrift]: ReportDriftRpcSchema,
} as const;
/** The subjects the auth service answers (all but `discover`, which a worker answers). */
export type McpServerRpcSubject = keyof typeof MCP_SERVER_RPC_SCHEMAS;
export type McpServerRequest<S extends McpServerRpcSubject> = z.infer<(typeof MCP_SERVER_RPC_SCHEMAS)[S]>;

/** The source id of a registered server. */
export const registeredSourceId = (name: string): string => `${REGISTERED_SOURCE_PREFIX}${name}`;
export const isRegisteredSource = (source: string): boolean => source.startsWith(REGISTERED_SOURCE_PREFIX);

/** The task subject of a source: registered servers all go to the `mcp` connector's workers. */
export const taskSubjectForSource = (source: string): string =>
  sourceTaskSubject(isRegisteredSource(source) ? REGISTERED_MCP_CONNECTOR : source);
