-- Mosaic MariaDB provisioning (the MySQL connector's database). Idempotent: safe to run on
-- every start.
--
-- Used twice:
--   * scripts/infra.sh (native server) runs it with the mariadb client as the server's
--     administrator (root@localhost, unix-socket authentication), over the profile's socket;
--   * docker-compose.yml mounts it into /docker-entrypoint-initdb.d, where the image runs it
--     once, as root; scripts/infra.sh then reruns it on every start.
--
-- Users (host '%': the server listens on 127.0.0.1 only, and in Docker connections arrive
-- from the bridge's gateway):
--   mosaic         owns the mosaic_* databases: creates tables and loads data (tests, seeds);
--                  may also create and drop mosaic_* databases, so each integration spec
--                  can work in a database of its own.
--   mosaic_reader  read-only: SELECT and SHOW VIEW on the mosaic_* databases, nothing else
--                  (no FILE, no PROCESS, no writes). What the MySQL connector connects as.

CREATE DATABASE IF NOT EXISTS mosaic_sample CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE USER IF NOT EXISTS 'mosaic'@'%' IDENTIFIED BY 'mosaic';
ALTER USER 'mosaic'@'%' IDENTIFIED BY 'mosaic';
-- `mosaic\_%`: every database whose name starts with "mosaic_" (the backslash makes the
-- underscore literal).
GRANT ALL PRIVILEGES ON `mosaic\_%`.* TO 'mosaic'@'%';

-- A password unlike any name, so tests can prove it never shows up in the connector's output.
CREATE USER IF NOT EXISTS 'mosaic_reader'@'%' IDENTIFIED BY 'reader_secret_pw';
ALTER USER 'mosaic_reader'@'%' IDENTIFIED BY 'reader_secret_pw';
GRANT SELECT, SHOW VIEW ON `mosaic\_%`.* TO 'mosaic_reader'@'%';
