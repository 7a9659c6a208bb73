import { ApiKey } from './api-key.entity';
import { AuditLog } from './audit-log.entity';
import { Credential } from './credential.entity';
import { McpServerEntity } from './mcp-server.entity';
import { Session } from './session.entity';
import { Tenant } from './tenant.entity';
import { User } from './user.entity';

export { ApiKey, AuditLog, Credential, McpServerEntity, Session, Tenant, User };
export { MCP_TRANSPORTS, type McpServerToolPin, type McpTransport } from './mcp-server.entity';
export { USER_ROLES, type UserRole } from './user.entity';

/**
 * Every entity, listed explicitly: discovery never scans folders (it must work from dist/).
 *
 * `tenant` and `user` are ManyToOne references rather than bare uuid columns so that the unit
 * of work knows the order to insert in (a tenant before its users, a user before its sessions);
 * create them with ids, e.g. `em.create(User, { tenant: tenantId, ... })`, read `user.tenant.id`.
 */
export const ENTITIES = [Tenant, User, Session, ApiKey, Credential, AuditLog, McpServerEntity];
