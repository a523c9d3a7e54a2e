/** Which MLflow database layout this schema reproduces. */

/** The MLflow release whose SQLAlchemy store defines our schema. */
export const MLFLOW_VERSION = "3.18.0";

/** Alembic head revision of MLflow 3.18.0 (`alembic_version.version_num` in a migrated DB). */
export const MLFLOW_ALEMBIC_HEAD = "f4a9b2c7d1e6";

/** MLflow 3's workspace column: every row we write and read lives in the default workspace. */
export const DEFAULT_WORKSPACE = "default";

/** The tag that marks a registered model as a prompt (MLflow's prompt registry). */
export const IS_PROMPT_TAG = "mlflow.prompt.is_prompt";
