-- The role a reporting replica's standby streams from the primary as (docs/adr/0047).
-- REPLICATION and LOGIN, nothing else: it reads no table through SQL. The standby's
-- pg_hba.conf entry must name it for replication connections. Idempotent; run as a
-- superuser, with the password from the environment:
--
--   FRONTDOOR_REPLICATION_PASSWORD=… psql -h DBHOST -U postgres -d postgres \
--     -f scripts/replication-role.sql
\set ON_ERROR_STOP on
\set QUIET on
\if :{?replication_role}
\else
  \set replication_role frontdoor_replicator
\endif
\getenv replication_password FRONTDOOR_REPLICATION_PASSWORD
SELECT format('CREATE ROLE %I LOGIN REPLICATION', :'replication_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'replication_role') \gexec
ALTER ROLE :"replication_role"
  LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
\if :{?replication_password}
  ALTER ROLE :"replication_role" PASSWORD :'replication_password';
\endif
