-- The role a reporting replica's standby streams from the primary as (docs/adr/0047),
-- and the replication slot it streams through. The role has REPLICATION and LOGIN,
-- nothing else: it reads no table through SQL. The primary's pg_hba.conf must allow it
-- replication connections. The slot keeps the WAL the standby has not yet received, so
-- a standby that was down catches up; cap what it may keep with max_slot_wal_keep_size,
-- and drop the slot (SELECT pg_drop_replication_slot('frontdoor_standby')) when the
-- standby is retired. Idempotent; run as a superuser, with the password from the
-- environment:
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
\if :{?slot}
\else
  \set slot frontdoor_standby
\endif
SELECT format('SELECT FROM pg_create_physical_replication_slot(%L)', :'slot')
WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = :'slot') \gexec
