#!/usr/bin/env node
// `npm run db:migrate`: brings the database at DATABASE_URL to our schema (MLflow 3.18.0's schema
// plus our additive migrations). See scripts/lib/migrate-core.mjs for the rules.
//   DATABASE_URL          default postgres://postgres:postgres@127.0.0.1:5433/postgres
//   DEFAULT_ARTIFACT_ROOT default mlflow-artifacts:/ (artifact location of the default experiment)
import { DEFAULT_DATABASE_URL, MigrationError, migrate } from "./lib/migrate-core.mjs";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const redacted = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
try {
  const started = Date.now();
  console.log(`migrating ${redacted}`);
  await migrate(url, { log: (m) => console.log(m) });
  console.log(`done in ${Date.now() - started} ms`);
} catch (e) {
  if (e instanceof MigrationError) {
    console.error(`migration refused: ${e.message}`);
    process.exit(2);
  }
  console.error(`migration failed: ${e?.stack ?? e}`);
  process.exit(1);
}
