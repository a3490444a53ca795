-- Front Door's two PostgreSQL roles (docs/adr/0013-database-roles.md).
--
--   owner (frontdoor_owner): owns the database and every table; migrations run as it.
--   app   (frontdoor_app):   what web, worker and beat connect as. Not a superuser and
--                            owner of nothing, so it cannot TRUNCATE, ALTER, DISABLE or
--                            DROP a trigger, or SET session_replication_role. Its row
--                            privileges are granted by the owner after every `migrate`
--                            (frontdoor/database_roles.py).
--
-- Run as a superuser (or a role with CREATEROLE that owns the database), as often as you
-- like: every step is idempotent, and a database created before these roles existed has
-- its tables handed to the owner. Passwords come from the environment, never the
-- command line:
--
--   FRONTDOOR_OWNER_PASSWORD=… FRONTDOOR_APP_PASSWORD=… \
--     psql -h db.internal -U postgres -d postgres -f scripts/database-roles.sql
--
-- Names may be changed with -v database=… -v owner_role=… -v app_role=….
\set ON_ERROR_STOP on
\set QUIET on
\if :{?database}
\else
  \set database frontdoor
\endif
\if :{?owner_role}
\else
  \set owner_role frontdoor_owner
\endif
\if :{?app_role}
\else
  \set app_role frontdoor_app
\endif
\getenv owner_password FRONTDOOR_OWNER_PASSWORD
\getenv app_password FRONTDOOR_APP_PASSWORD

-- The roles: created if missing, and whatever they were, stripped of every power the
-- append-only guards could be got past with.
SELECT format('CREATE ROLE %I LOGIN', :'owner_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner_role') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app_role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app_role') \gexec
ALTER ROLE :"owner_role" LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE :"app_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
\if :{?owner_password}
  ALTER ROLE :"owner_role" PASSWORD :'owner_password';
\endif
\if :{?app_password}
  ALTER ROLE :"app_role" PASSWORD :'app_password';
\endif

-- The database belongs to the owner, and with it the public schema (PostgreSQL 15 and
-- later give that schema to the database's owner). The app may connect, nothing more.
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'owner_role')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"owner_role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"app_role";

\connect :"database"
\set ON_ERROR_STOP on
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";

-- Tables, views, sequences and functions made before the owner existed (by a superuser
-- that ran the migrations) pass to it. Indexes and the sequences behind identity
-- columns follow their table; objects of extensions stay with the extension.
SELECT format(
         'ALTER %s %s OWNER TO %I',
         CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                        WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                        ELSE 'TABLE' END,
         c.oid::regclass, :'owner_role')
FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND c.relowner <> :'owner_role'::regrole
  AND NOT EXISTS (
    SELECT FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'i', 'a')
  )
ORDER BY c.relkind = 'S', c.oid \gexec
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, :'owner_role')
FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace
  AND p.prokind IN ('f', 'p')
  AND p.proowner <> :'owner_role'::regrole
  AND NOT EXISTS (
    SELECT FROM pg_depend d
    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  ) \gexec
SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, :'owner_role')
FROM pg_type t
WHERE t.typnamespace = 'public'::regnamespace
  AND t.typtype IN ('d', 'e')
  AND t.typowner <> :'owner_role'::regrole
  AND NOT EXISTS (
    SELECT FROM pg_depend d
    WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  ) \gexec

-- Tables a later migration creates are readable and writable by the app at once; the
-- step after `migrate` then narrows the append-only ones (frontdoor/database_roles.py).
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
