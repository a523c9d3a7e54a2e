/**
 * Platform tables: workspaces, jobs and locks, scheduler leases, webhooks, entity associations,
 * the MCP server registry and the skills registry.
 *
 * Column for column as MLflow 3.18.0's SQLAlchemy store creates them on Postgres (alembic head
 * f4a9b2c7d1e6), with the same constraint and index names. Do not change types here: additive
 * changes go in ./additions.ts.
 */
import {
  bigint,
  doublePrecision,
  foreignKey,
  index,
  integer,
  json,
  pgTable,
  primaryKey,
  text,
  varchar,
} from "drizzle-orm/pg-core";

export const workspaces = pgTable(
  "workspaces",
  {
    name: varchar("name", { length: 63 }).notNull(),
    description: text("description"),
    defaultArtifactRoot: text("default_artifact_root"),
    traceArchivalLocation: text("trace_archival_location"),
    traceArchivalRetention: varchar("trace_archival_retention", { length: 32 }),
  },
  (t) => [
    primaryKey({ name: "workspaces_pk", columns: [t.name] }),
  ],
);

export const jobs = pgTable(
  "jobs",
  {
    id: varchar("id", { length: 36 }).notNull(),
    creationTime: bigint("creation_time", { mode: "number" }).notNull(),
    jobName: varchar("job_name", { length: 500 }).notNull(),
    params: text("params").notNull(),
    timeout: doublePrecision("timeout"),
    status: integer("status").notNull(),
    result: text("result"),
    retryCount: integer("retry_count").notNull(),
    lastUpdateTime: bigint("last_update_time", { mode: "number" }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    statusDetails: json("status_details"),
    creator: varchar("creator", { length: 255 }),
    executorBackend: varchar("executor_backend", { length: 255 }),
    leaseExpiresAt: bigint("lease_expires_at", { mode: "number" }),
    statusMessage: text("status_message"),
    progress: json("progress"),
    progressUpdatedAt: bigint("progress_updated_at", { mode: "number" }),
    tokenHash: varchar("token_hash", { length: 64 }),
    scopedPermissions: json("scoped_permissions"),
    nextAttemptAt: bigint("next_attempt_at", { mode: "number" }),
  },
  (t) => [
    primaryKey({ name: "jobs_pk", columns: [t.id] }),
    index("index_jobs_name_status_creation_time").on(t.jobName, t.workspace, t.status, t.creationTime),
    index("index_jobs_status_lease_expires_at").on(t.status, t.leaseExpiresAt),
  ],
);

export const jobLocks = pgTable(
  "job_locks",
  {
    lockKey: varchar("lock_key", { length: 255 }).notNull(),
    jobId: varchar("job_id", { length: 36 }).notNull(),
    acquiredAt: bigint("acquired_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "job_locks_pk", columns: [t.lockKey] }),
    index("index_job_locks_job_id").on(t.jobId),
    foreignKey({ name: "fk_job_locks_job_id", columns: [t.jobId], foreignColumns: [jobs.id] }).onDelete("cascade"),
  ],
);

export const schedulerLeases = pgTable(
  "scheduler_leases",
  {
    leaseKey: varchar("lease_key", { length: 255 }).notNull(),
    acquiredAt: bigint("acquired_at", { mode: "number" }).notNull(),
    ttlSeconds: integer("ttl_seconds").notNull(),
  },
  (t) => [
    primaryKey({ name: "scheduler_leases_pk", columns: [t.leaseKey] }),
  ],
);

export const webhooks = pgTable(
  "webhooks",
  {
    webhookId: varchar("webhook_id", { length: 256 }).notNull(),
    name: varchar("name", { length: 256 }).notNull(),
    description: varchar("description", { length: 1000 }),
    url: varchar("url", { length: 500 }).notNull(),
    status: varchar("status", { length: 20 }).default("ACTIVE").notNull(),
    secret: varchar("secret", { length: 1000 }),
    creationTimestamp: bigint("creation_timestamp", { mode: "number" }),
    lastUpdatedTimestamp: bigint("last_updated_timestamp", { mode: "number" }),
    deletedTimestamp: bigint("deleted_timestamp", { mode: "number" }),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
  },
  (t) => [
    primaryKey({ name: "webhook_pk", columns: [t.webhookId] }),
    index("idx_webhooks_name").on(t.name),
    index("idx_webhooks_status").on(t.status),
    index("idx_webhooks_workspace").on(t.workspace),
  ],
);

export const webhookEvents = pgTable(
  "webhook_events",
  {
    webhookId: varchar("webhook_id", { length: 256 }).notNull(),
    entity: varchar("entity", { length: 50 }).notNull(),
    action: varchar("action", { length: 50 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "webhook_event_pk", columns: [t.webhookId, t.entity, t.action] }),
    index("idx_webhook_events_action").on(t.action),
    index("idx_webhook_events_entity").on(t.entity),
    index("idx_webhook_events_entity_action").on(t.entity, t.action),
    foreignKey({ name: "webhook_events_webhook_id_fkey", columns: [t.webhookId], foreignColumns: [webhooks.webhookId] }).onDelete("cascade"),
  ],
);

export const entityAssociations = pgTable(
  "entity_associations",
  {
    associationId: varchar("association_id", { length: 36 }).notNull(),
    sourceType: varchar("source_type", { length: 36 }).notNull(),
    sourceId: varchar("source_id", { length: 36 }).notNull(),
    destinationType: varchar("destination_type", { length: 36 }).notNull(),
    destinationId: varchar("destination_id", { length: 36 }).notNull(),
    createdTime: bigint("created_time", { mode: "number" }),
  },
  (t) => [
    primaryKey({ name: "entity_associations_pk", columns: [t.sourceType, t.sourceId, t.destinationType, t.destinationId] }),
    index("index_entity_associations_association_id").on(t.associationId),
    index("index_entity_associations_reverse_lookup").on(t.destinationType, t.destinationId, t.sourceType, t.sourceId),
  ],
);

export const mcpServers = pgTable(
  "mcp_servers",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    name: varchar("name", { length: 256 }).notNull(),
    displayName: varchar("display_name", { length: 256 }),
    description: text("description"),
    icons: json("icons"),
    createdBy: varchar("created_by", { length: 256 }),
    lastUpdatedBy: varchar("last_updated_by", { length: 256 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "mcp_servers_pk", columns: [t.workspace, t.name] }),
  ],
);

export const mcpServerVersions = pgTable(
  "mcp_server_versions",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    name: varchar("name", { length: 256 }).notNull(),
    version: varchar("version", { length: 128 }).notNull(),
    versionMajor: integer("version_major").notNull(),
    versionMinor: integer("version_minor").notNull(),
    versionPatch: integer("version_patch").notNull(),
    versionPrereleaseSortKey: varchar("version_prerelease_sort_key", { length: 512 }).notNull(),
    serverJson: json("server_json").notNull(),
    status: varchar("status", { length: 20 }).default("draft").notNull(),
    tools: json("tools"),
    source: varchar("source", { length: 512 }),
    connectOptions: json("connect_options"),
    createdBy: varchar("created_by", { length: 256 }),
    lastUpdatedBy: varchar("last_updated_by", { length: 256 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "mcp_server_versions_pk", columns: [t.workspace, t.name, t.version] }),
    index("idx_mcp_server_versions_latest").on(t.workspace, t.name, t.status, t.versionMajor.desc().nullsFirst(), t.versionMinor.desc().nullsFirst(), t.versionPatch.desc().nullsFirst()),
    foreignKey({ name: "mcp_server_versions_server_fkey", columns: [t.workspace, t.name], foreignColumns: [mcpServers.workspace, mcpServers.name] }).onDelete("cascade").onUpdate("cascade"),
  ],
);

export const mcpServerTags = pgTable(
  "mcp_server_tags",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    name: varchar("name", { length: 256 }).notNull(),
    key: varchar("key", { length: 250 }).notNull(),
    value: varchar("value", { length: 5000 }),
  },
  (t) => [
    primaryKey({ name: "mcp_server_tags_pk", columns: [t.workspace, t.name, t.key] }),
    foreignKey({ name: "mcp_server_tags_server_fkey", columns: [t.workspace, t.name], foreignColumns: [mcpServers.workspace, mcpServers.name] }).onDelete("cascade").onUpdate("cascade"),
  ],
);

export const mcpServerVersionTags = pgTable(
  "mcp_server_version_tags",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    name: varchar("name", { length: 256 }).notNull(),
    version: varchar("version", { length: 128 }).notNull(),
    key: varchar("key", { length: 250 }).notNull(),
    value: varchar("value", { length: 5000 }),
  },
  (t) => [
    primaryKey({ name: "mcp_server_version_tags_pk", columns: [t.workspace, t.name, t.version, t.key] }),
    foreignKey({ name: "mcp_server_version_tags_version_fkey", columns: [t.workspace, t.name, t.version], foreignColumns: [mcpServerVersions.workspace, mcpServerVersions.name, mcpServerVersions.version] }).onDelete("cascade").onUpdate("cascade"),
  ],
);

export const mcpServerAliases = pgTable(
  "mcp_server_aliases",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    name: varchar("name", { length: 256 }).notNull(),
    alias: varchar("alias", { length: 256 }).notNull(),
    version: varchar("version", { length: 128 }).notNull(),
  },
  (t) => [
    primaryKey({ name: "mcp_server_aliases_pk", columns: [t.workspace, t.name, t.alias] }),
    foreignKey({ name: "mcp_server_aliases_server_fkey", columns: [t.workspace, t.name], foreignColumns: [mcpServers.workspace, mcpServers.name] }).onDelete("cascade").onUpdate("cascade"),
  ],
);

export const mcpAccessEndpoints = pgTable(
  "mcp_access_endpoints",
  {
    id: varchar("id", { length: 36 }).notNull(),
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    serverName: varchar("server_name", { length: 256 }).notNull(),
    serverVersion: varchar("server_version", { length: 128 }),
    serverAlias: varchar("server_alias", { length: 256 }),
    url: varchar("url", { length: 2048 }).notNull(),
    transportType: varchar("transport_type", { length: 32 }).default("streamable-http").notNull(),
    createdBy: varchar("created_by", { length: 256 }),
    lastUpdatedBy: varchar("last_updated_by", { length: 256 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "mcp_access_endpoints_pk", columns: [t.id] }),
    index("ix_mcp_access_endpoints_alias").on(t.workspace, t.serverName, t.serverAlias),
    index("ix_mcp_access_endpoints_server_name").on(t.workspace, t.serverName),
    index("ix_mcp_access_endpoints_version").on(t.workspace, t.serverName, t.serverVersion),
    foreignKey({ name: "mcp_access_endpoints_server_fkey", columns: [t.workspace, t.serverName], foreignColumns: [mcpServers.workspace, mcpServers.name] }).onDelete("cascade").onUpdate("cascade"),
  ],
);

export const skills = pgTable(
  "skills",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    organization: varchar("organization", { length: 64 }).default("").notNull(),
    name: varchar("name", { length: 128 }).notNull(),
    description: text("description"),
    icons: json("icons"),
    searchText: text("search_text"),
    createdBy: varchar("created_by", { length: 256 }),
    lastUpdatedBy: varchar("last_updated_by", { length: 256 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "skills_pk", columns: [t.workspace, t.organization, t.name] }),
  ],
);

export const skillVersions = pgTable(
  "skill_versions",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    organization: varchar("organization", { length: 64 }).default("").notNull(),
    name: varchar("name", { length: 128 }).notNull(),
    version: integer("version").notNull(),
    sourceType: varchar("source_type", { length: 20 }),
    source: varchar("source", { length: 2048 }),
    ref: varchar("ref", { length: 2048 }),
    subpath: varchar("subpath", { length: 2048 }),
    digest: varchar("digest", { length: 64 }),
    status: varchar("status", { length: 20 }).default("active").notNull(),
    createdBy: varchar("created_by", { length: 256 }),
    lastUpdatedBy: varchar("last_updated_by", { length: 256 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    lastUpdatedAt: bigint("last_updated_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "skill_versions_pk", columns: [t.workspace, t.organization, t.name, t.version] }),
    index("ix_skill_versions_digest").on(t.workspace, t.organization, t.name, t.digest),
    index("ix_skill_versions_latest_lookup").on(t.workspace, t.organization, t.name, t.status, t.version),
    foreignKey({ name: "skill_versions_skill_fkey", columns: [t.workspace, t.organization, t.name], foreignColumns: [skills.workspace, skills.organization, skills.name] }).onDelete("cascade").onUpdate("cascade"),
  ],
);

export const skillTags = pgTable(
  "skill_tags",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    organization: varchar("organization", { length: 64 }).default("").notNull(),
    name: varchar("name", { length: 128 }).notNull(),
    key: varchar("key", { length: 250 }).notNull(),
    value: text("value"),
  },
  (t) => [
    primaryKey({ name: "skill_tags_pk", columns: [t.workspace, t.organization, t.name, t.key] }),
    foreignKey({ name: "skill_tags_skill_fkey", columns: [t.workspace, t.organization, t.name], foreignColumns: [skills.workspace, skills.organization, skills.name] }).onDelete("cascade").onUpdate("cascade"),
  ],
);

export const skillVersionTags = pgTable(
  "skill_version_tags",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    organization: varchar("organization", { length: 64 }).default("").notNull(),
    name: varchar("name", { length: 128 }).notNull(),
    version: integer("version").notNull(),
    key: varchar("key", { length: 250 }).notNull(),
    value: text("value"),
  },
  (t) => [
    primaryKey({ name: "skill_version_tags_pk", columns: [t.workspace, t.organization, t.name, t.version, t.key] }),
    foreignKey({ name: "skill_version_tags_version_fkey", columns: [t.workspace, t.organization, t.name, t.version], foreignColumns: [skillVersions.workspace, skillVersions.organization, skillVersions.name, skillVersions.version] }).onDelete("cascade").onUpdate("cascade"),
  ],
);

export const skillAliases = pgTable(
  "skill_aliases",
  {
    workspace: varchar("workspace", { length: 63 }).default("default").notNull(),
    organization: varchar("organization", { length: 64 }).default("").notNull(),
    name: varchar("name", { length: 128 }).notNull(),
    alias: varchar("alias", { length: 256 }).notNull(),
    version: integer("version").notNull(),
  },
  (t) => [
    primaryKey({ name: "skill_aliases_pk", columns: [t.workspace, t.organization, t.name, t.alias] }),
    foreignKey({ name: "skill_aliases_skill_fkey", columns: [t.workspace, t.organization, t.name], foreignColumns: [skills.workspace, skills.organization, skills.name] }).onDelete("cascade").onUpdate("cascade"),
  ],
);
