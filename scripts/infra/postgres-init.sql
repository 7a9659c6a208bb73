-- Mosaic database provisioning. Idempotent: safe to run on every start.
--
-- Used twice:
--   * scripts/infra.sh (native servers) runs it with psql as the `postgres`
--     superuser, connected to the `postgres` database over the unix socket;
--   * docker-compose.yml mounts it into /docker-entrypoint-initdb.d, where the
--     image runs it once, as the superuser POSTGRES_USER=mosaic, connected to
--     POSTGRES_DB=mosaic.
-- It uses psql meta-commands (\gexec, \connect), so run it with psql.

\set ON_ERROR_STOP on

-- Roles ---------------------------------------------------------------------
-- mosaic: owner of both databases and of every table in them; runs the migrations
--   (libs/persistence) and serves the sample workspace.
-- mosaic_app: what the services connect as to the `mosaic` database. It owns nothing:
--   the migrations grant it SELECT/INSERT/UPDATE/DELETE on the tables, and, since it is
--   not their owner (nor a superuser, nor BYPASSRLS), row-level security always applies.
-- mosaic_reader: read-only role for the sample database (what a connector sees).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'mosaic') THEN
    CREATE ROLE mosaic LOGIN PASSWORD 'mosaic';
  ELSE
    ALTER ROLE mosaic LOGIN PASSWORD 'mosaic';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'mosaic_reader') THEN
    CREATE ROLE mosaic_reader LOGIN PASSWORD 'mosaic_reader';
  ELSE
    ALTER ROLE mosaic_reader LOGIN PASSWORD 'mosaic_reader';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'mosaic_app') THEN
    CREATE ROLE mosaic_app LOGIN PASSWORD 'mosaic_app';
  END IF;
  -- Also on every start, so the role can never drift into bypassing row-level security.
  ALTER ROLE mosaic_app LOGIN PASSWORD 'mosaic_app'
    NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT;
END
$$;

-- Belt and braces: every session of the reader is read-only.
ALTER ROLE mosaic_reader SET default_transaction_read_only = on;

-- Databases -----------------------------------------------------------------
SELECT 'CREATE DATABASE mosaic OWNER mosaic'
 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'mosaic')\gexec
SELECT 'CREATE DATABASE mosaic_sample OWNER mosaic'
 WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = 'mosaic_sample')\gexec

ALTER DATABASE mosaic OWNER TO mosaic;
ALTER DATABASE mosaic_sample OWNER TO mosaic;

-- Only the roles that need a database may connect to it; the reader may not
-- create temporary tables in the sample database.
REVOKE CONNECT, TEMPORARY ON DATABASE mosaic FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE mosaic_sample FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE mosaic TO mosaic;
GRANT CONNECT, TEMPORARY ON DATABASE mosaic_sample TO mosaic;
GRANT CONNECT ON DATABASE mosaic_sample TO mosaic_reader;
GRANT CONNECT ON DATABASE mosaic TO mosaic_app;

-- Read-only access to the sample data ---------------------------------------
\connect mosaic_sample

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO mosaic_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO mosaic_reader;
-- Tables that mosaic creates later are readable by the reader too.
-- (Tables created by another role, e.g. the postgres superuser, are not.)
ALTER DEFAULT PRIVILEGES FOR ROLE mosaic IN SCHEMA public GRANT SELECT ON TABLES TO mosaic_reader;
