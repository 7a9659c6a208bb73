import { z } from 'zod';

/**
 * Identity over core NATS request/reply (queue group `auth`). Subjects are part of the
 * wire contract: never renamed or changed in place.
 */
export const AUTH_QUEUE_GROUP = 'auth';
export const AUTH_SUBJECTS = {
  signup: 'mosaic.auth.v1.signup',
  login: 'mosaic.auth.v1.login',
  logout: 'mosaic.auth.v1.logout',
  me: 'mosaic.auth.v1.me',
  jwks: 'mosaic.auth.v1.jwks',
  verifyApiKey: 'mosaic.auth.v1.api-key.verify',
  createApiKey: 'mosaic.auth.v1.api-key.create',
  listApiKeys: 'mosaic.auth.v1.api-key.list',
  revokeApiKey: 'mosaic.auth.v1.api-key.revoke',
  saveCredentials: 'mosaic.auth.v1.credentials.save',
  credentialStatus: 'mosaic.auth.v1.credentials.status',
  listCredentials: 'mosaic.auth.v1.credentials.list',
  deleteCredentials: 'mosaic.auth.v1.credentials.delete',
  /** Decrypted credentials: only worker identities may request this (NATS permissions). */
  resolveCredentials: 'mosaic.auth.v1.credentials.resolve',
  recordAudit: 'mosaic.auth.v1.audit.record',
  createUser: 'mosaic.auth.v1.user.create',
  listUsers: 'mosaic.auth.v1.user.list',
  tenantLimits: 'mosaic.auth.v1.tenant.limits',
  updateTenantLimits: 'mosaic.auth.v1.tenant.limits.update',
  listAudit: 'mosaic.auth.v1.audit.list',
} as const;

export const EmailSchema = z.string().trim().toLowerCase().email('email must be a valid address').max(254);
export const PasswordInputSchema = z.string().min(1, 'password is required').max(256);

/** Who is asking: established by the gateway from a session token or an API key. */
export const PrincipalSchema = z.object({
  tenant_id: z.string().uuid(),
  user_id: z.string().uuid(),
  role: z.enum(['admin', 'member']),
  /** `session` (JWT) or `api_key`. */
  kind: z.enum(['session', 'api_key']),
  scopes: z.array(z.enum(['query', 'admin'])),
  /** The session's jti or the API key's id. */
  credential_id: z.string(),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/** Where a request came from, for the audit log. */
export const ClientInfoSchema = z.object({ ip: z.string().max(64).optional(), user_agent: z.string().max(512).optional() });
export type ClientDetails = z.infer<typeof ClientInfoSchema>;

export const UserViewSchema = z.object({
  id: z.string().uuid(),
  tenant_id: z.string().uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'member']),
  last_login: z.string().nullable(),
  previous_login: z.string().nullable(),
  created_at: z.string(),
});
export type UserView = z.infer<typeof UserViewSchema>;

export const SignupRequestSchema = z
  .object({
    email: EmailSchema,
    password: PasswordInputSchema,
    name: z.string().trim().min(1, 'name is required').max(200),
    tenant_name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export const SignupRpcSchema = SignupRequestSchema.extend({ client: ClientInfoSchema });

/** A tenant admin adds a user to their own tenant. */
export const CreateUserRequestSchema = z
  .object({
    email: EmailSchema,
    password: PasswordInputSchema,
    name: z.string().trim().min(1, 'name is required').max(200),
    role: z.enum(['admin', 'member']).default('member'),
  })
  .strict();
export const CreateUserRpcSchema = z.object({ principal: PrincipalSchema, client: ClientInfoSchema, request: CreateUserRequestSchema });

export const LoginRequestSchema = z.object({ email: EmailSchema, password: PasswordInputSchema }).strict();
export const LoginRpcSchema = LoginRequestSchema.extend({ client: ClientInfoSchema });
export const LoginReplySchema = z.object({ token: z.string(), expires_at: z.string(), user: UserViewSchema });

export const PrincipalRpcSchema = z.object({ principal: PrincipalSchema, client: ClientInfoSchema });

export const ApiKeyScopeSchema = z.enum(['query', 'admin']);
export const CreateApiKeyRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'name is required').max(100),
    scopes: z.array(ApiKeyScopeSchema).min(1).default(['query']),
    expires_at: z.string().datetime({ offset: true }).optional(),
  })
  .strict();
export const CreateApiKeyRpcSchema = PrincipalRpcSchema.extend({ request: CreateApiKeyRequestSchema });
export const RevokeApiKeyRpcSchema = PrincipalRpcSchema.extend({ key_id: z.string() });
export const VerifyApiKeyRpcSchema = z.object({ key: z.string().max(200) });

export const ApiKeyViewSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ApiKeyScopeSchema),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  created_at: z.string(),
});
export type ApiKeyView = z.infer<typeof ApiKeyViewSchema>;

/** Every auth reply: a result, or an error the gateway maps to HTTP. */
export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; status: number; retry_after?: number } };

const DatasourceSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'datasource must be a source id');
export const SaveCredentialsRequestSchema = z
  .object({
    datasource: DatasourceSchema,
    credentials: z.record(z.string().max(8192)).refine((c) => Object.keys(c).length > 0, 'credentials must not be empty'),
  })
  .strict();
export const SaveCredentialsRpcSchema = PrincipalRpcSchema.extend({ request: SaveCredentialsRequestSchema });
export const DatasourceRpcSchema = PrincipalRpcSchema.extend({ datasource: DatasourceSchema });
export const ResolveCredentialsRpcSchema = z.object({
  tenant_id: z.string().uuid(),
  user_id: z.string().uuid(),
  datasource: DatasourceSchema,
  query_id: z.string().uuid().optional(),
});
export const CredentialStatusSchema = z.object({ datasource: z.string(), configured: z.boolean(), updated_at: z.string().nullable() });
export type CredentialStatus = z.infer<typeof CredentialStatusSchema>;

export const RecordAuditRpcSchema = PrincipalRpcSchema.extend({
  action: z.string().min(1).max(64),
  target: z.string().max(200).optional(),
  details: z.record(z.unknown()).optional(),
});
export const ListAuditRpcSchema = PrincipalRpcSchema.extend({
  limit: z.number().int().min(1).max(500).default(100),
  before: z.string().datetime({ offset: true }).optional(),
});
export const AuditEntryViewSchema = z.object({
  id: z.string(),
  user_id: z.string().nullable(),
  action: z.string(),
  outcome: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.unknown()),
  created_at: z.string(),
});
export type AuditEntryView = z.infer<typeof AuditEntryViewSchema>;

export const TenantLimitsSchema = z.object({
  rate_limit_per_minute: z.number().int().positive().max(1_000_000).nullable(),
  rate_limit_per_hour: z.number().int().positive().max(100_000_000).nullable(),
});
export type TenantLimits = z.infer<typeof TenantLimitsSchema>;
export const UpdateTenantLimitsRequestSchema = TenantLimitsSchema.partial().strict();
export const UpdateTenantLimitsRpcSchema = PrincipalRpcSchema.extend({ request: UpdateTenantLimitsRequestSchema });
export const TenantLimitsRpcSchema = z.object({ tenant_id: z.string().uuid() });

/** Request schema per auth subject: the auth service parses every request with it. */
export const AUTH_RPC_SCHEMAS = {
  [AUTH_SUBJECTS.signup]: SignupRpcSchema,
  [AUTH_SUBJECTS.login]: LoginRpcSchema,
  [AUTH_SUBJECTS.logout]: PrincipalRpcSchema,
  [AUTH_SUBJECTS.me]: PrincipalRpcSchema,
  [AUTH_SUBJECTS.jwks]: z.object({}).passthrough(),
  [AUTH_SUBJECTS.verifyApiKey]: VerifyApiKeyRpcSchema,
  [AUTH_SUBJECTS.createApiKey]: CreateApiKeyRpcSchema,
  [AUTH_SUBJECTS.listApiKeys]: PrincipalRpcSchema,
  [AUTH_SUBJECTS.revokeApiKey]: RevokeApiKeyRpcSchema,
  [AUTH_SUBJECTS.saveCredentials]: SaveCredentialsRpcSchema,
  [AUTH_SUBJECTS.credentialStatus]: DatasourceRpcSchema,
  [AUTH_SUBJECTS.listCredentials]: PrincipalRpcSchema,
  [AUTH_SUBJECTS.deleteCredentials]: DatasourceRpcSchema,
  [AUTH_SUBJECTS.resolveCredentials]: ResolveCredentialsRpcSchema,
  [AUTH_SUBJECTS.recordAudit]: RecordAuditRpcSchema,
  [AUTH_SUBJECTS.listAudit]: ListAuditRpcSchema,
  [AUTH_SUBJECTS.createUser]: CreateUserRpcSchema,
  [AUTH_SUBJECTS.listUsers]: PrincipalRpcSchema,
  [AUTH_SUBJECTS.tenantLimits]: TenantLimitsRpcSchema,
  [AUTH_SUBJECTS.updateTenantLimits]: UpdateTenantLimitsRpcSchema,
} as const;
export type AuthSubject = keyof typeof AUTH_RPC_SCHEMAS;
export type AuthRequest<S extends AuthSubject> = z.infer<(typeof AUTH_RPC_SCHEMAS)[S]>;

/** Redis key marking a logged-out session; gateways refuse its token until it expires. */
export const sessionRevokedKey = (jti: string): string => `mosaic:session:revoked:${jti}`;

/** The HTTP-only cookie carrying the session token. */
export const SESSION_COOKIE = 'access_token';
