-- MLflow's alembic bookkeeping, stamped at MLflow 3.18.0's head revision, so that the reference
-- `mlflow server` / `mlflow db upgrade` accept this database as up to date.
-- Part of the MLflow baseline: on a database MLflow already created, this file is recorded as
-- applied without running (see scripts/lib/migrate-core.mjs).
CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
--> statement-breakpoint
INSERT INTO public.alembic_version (version_num) VALUES ('f4a9b2c7d1e6');
