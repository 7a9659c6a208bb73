import { Migration20261121000000_identity } from './Migration20261121000000_identity';
import { Migration20261121010000_vault_rotation } from './Migration20261121010000_vault_rotation';
import { Migration20261121020000_mcp_servers } from './Migration20261121020000_mcp_servers';
import { Migration20261130000000_history } from './Migration20261130000000_history';

/**
 * Every migration, oldest first. Listed explicitly rather than discovered by a folder glob, so
 * they run the same from the TypeScript sources (Jest) and from swc-built dist/. Add new ones
 * at the end; never edit or rename one that has shipped (its name is recorded as applied).
 */
export const MIGRATIONS = [
  { name: 'Migration20261121000000_identity', class: Migration20261121000000_identity },
  { name: 'Migration20261121010000_vault_rotation', class: Migration20261121010000_vault_rotation },
  { name: 'Migration20261121020000_mcp_servers', class: Migration20261121020000_mcp_servers },
  { name: 'Migration20261130000000_history', class: Migration20261130000000_history },
];
