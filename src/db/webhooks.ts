/**
 * SQL for webhooks (tables webhooks and webhook_events, MLflow's default workspace). Deletes are
 * soft (deleted_timestamp), as in MLflow. Secrets come back only to the delivery code, never in
 * the JSON answered to clients.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { arrayParam } from "../lib/sql";
import { DEFAULT_WORKSPACE } from "./schema/meta";

export interface WebhookRow {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  status: string;
  creation_timestamp: number | null;
  last_updated_timestamp: number | null;
  /** Lower-case entity/action pairs, in stored order. */
  events: { entity: string; action: string }[];
}

const ROW = (w: string) =>
  sql.raw(`json_build_object('webhook_id', ${w}.webhook_id, 'name', ${w}.name, 'description', ${w}.description, 'url', ${w}.url,
    'status', ${w}.status, 'creation_timestamp', ${w}.creation_timestamp, 'last_updated_timestamp', ${w}.last_updated_timestamp,
    'events', coalesce((select json_agg(json_build_object('entity', e.entity, 'action', e.action) order by e.ctid)
                        from webhook_events e where e.webhook_id = ${w}.webhook_id), '[]'::json))`);

const toRow = (r: WebhookRow): WebhookRow => ({
  ...r,
  creation_timestamp: r.creation_timestamp === null ? null : Number(r.creation_timestamp),
  last_updated_timestamp: r.last_updated_timestamp === null ? null : Number(r.last_updated_timestamp),
});

const live = (w: string) => sql.raw(`${w}.workspace = '${DEFAULT_WORKSPACE}' and ${w}.deleted_timestamp is null`);

export async function insertWebhook(
  db: Db,
  w: { id: string; name: string; description: string | null; url: string; status: string; secret: string | null; now: number; events: { entity: string; action: string }[] },
): Promise<void> {
  await db.execute(sql`
    with hook as (
      insert into webhooks (webhook_id, name, description, url, status, secret, creation_timestamp, last_updated_timestamp, workspace)
      values (${w.id}, ${w.name}, ${w.description}, ${w.url}, ${w.status}, ${w.secret}, ${w.now}, ${w.now}, ${DEFAULT_WORKSPACE})
      returning webhook_id),
    events as (
      insert into webhook_events (webhook_id, entity, action)
      select hook.webhook_id, en, ac from hook, unnest(${arrayParam(w.events.map((e) => e.entity), "varchar")}, ${arrayParam(w.events.map((e) => e.action), "varchar")}) with ordinality as x(en, ac, n)
      order by n
      on conflict do nothing
      returning 1)
    select (select count(*) from events) as n`);
}

export async function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  const result = await db.execute<{ w: WebhookRow }>(sql`select ${ROW("w")} as w from webhooks w where w.webhook_id = ${id} and ${live("w")}`);
  const row = result.rows[0];
  return row ? toRow(row.w) : undefined;
}

/** A page, newest first (ties by id, so pages never overlap). */
export async function listWebhooks(db: Db, limit: number, offset: number): Promise<WebhookRow[]> {
  const result = await db.execute<{ w: WebhookRow }>(sql`
    select ${ROW("w")} as w from webhooks w where ${live("w")}
    order by w.creation_timestamp desc, w.webhook_id limit ${limit} offset ${offset}`);
  return result.rows.map((r) => toRow(r.w));
}

export interface WebhookChanges {
  name?: string;
  description?: string;
  url?: string;
  status?: string;
  /** The new secret's stored form (encrypted; null clears it). */
  secret?: string | null;
  events?: { entity: string; action: string }[];
}

/** Applies the changes given (others stay) and answers the updated webhook; undefined when absent. */
export async function updateWebhook(db: Db, id: string, c: WebhookChanges, now: number): Promise<WebhookRow | undefined> {
  const set = (column: string, value: unknown, present: boolean) => (present ? sql`${sql.raw(column)} = ${value},` : sql``);
  const replaceEvents = c.events !== undefined;
  const ev = c.events ?? [];
  const result = await db.execute<{ w: WebhookRow | null }>(sql`
    with hook as (
      update webhooks w set ${set("name", c.name, c.name !== undefined)} ${set("description", c.description, c.description !== undefined)}
        ${set("url", c.url, c.url !== undefined)} ${set("status", c.status, c.status !== undefined)} ${set("secret", c.secret, c.secret !== undefined)}
        last_updated_timestamp = ${now}
      where w.webhook_id = ${id} and ${live("w")}
      returning w.*),
    dropped as (delete from webhook_events where ${replaceEvents} and webhook_id = (select webhook_id from hook) returning 1),
    added as (
      insert into webhook_events (webhook_id, entity, action)
      select hook.webhook_id, en, ac from hook, unnest(${arrayParam(ev.map((e) => e.entity), "varchar")}, ${arrayParam(ev.map((e) => e.action), "varchar")}) with ordinality as x(en, ac, n)
      where ${replaceEvents}
      order by n
      on conflict (webhook_id, entity, action) do nothing
      returning entity, action)
    select (select json_build_object('webhook_id', h.webhook_id, 'name', h.name, 'description', h.description, 'url', h.url, 'status', h.status,
              'creation_timestamp', h.creation_timestamp, 'last_updated_timestamp', h.last_updated_timestamp,
              'events', case when ${replaceEvents}
                then coalesce((select json_agg(json_build_object('entity', en, 'action', ac) order by n)
                               from unnest(${arrayParam(ev.map((e) => e.entity), "varchar")}, ${arrayParam(ev.map((e) => e.action), "varchar")}) with ordinality as x(en, ac, n)), '[]'::json)
                else coalesce((select json_agg(json_build_object('entity', e.entity, 'action', e.action) order by e.ctid)
                               from webhook_events e where e.webhook_id = h.webhook_id), '[]'::json) end)
            from hook h) as w,
           (select count(*) from dropped) + (select count(*) from added) as n`);
  const row = result.rows[0]!.w;
  return row ? toRow(row) : undefined;
}

/** Soft-deletes; false when there was no live webhook with this id. */
export async function deleteWebhook(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db.execute<{ webhook_id: string }>(sql`
    update webhooks w set deleted_timestamp = ${now}, last_updated_timestamp = ${now}
    where w.webhook_id = ${id} and ${live("w")} returning w.webhook_id`);
  return result.rows.length > 0;
}

/**
 * The active webhooks subscribed to an event. When `promptOf` names a registered model, the event
 * is `ifPrompt` if that model is a prompt and `otherwise` if not (null: no event), decided in the
 * same statement.
 */
export async function subscribedWebhooks(
  db: Db,
  e: { entity: string; action: string } | { promptOf: string; ifPrompt: string; otherwise: string | null; action: string },
): Promise<{ entity: string | null; ids: string[] }> {
  const entity =
    "entity" in e
      ? sql`${e.entity}::varchar`
      : sql`(case when exists (select 1 from registered_model_tags where workspace = ${DEFAULT_WORKSPACE} and name = ${e.promptOf}
                                 and key = 'mlflow.prompt.is_prompt' and lower(value) = 'true')
                  then ${e.ifPrompt}::varchar else ${e.otherwise}::varchar end)`;
  const result = await db.execute<{ entity: string | null; ids: string[] | null }>(sql`
    with ev as (select ${entity} as entity)
    select (select entity from ev) as entity,
           (select json_agg(w.webhook_id order by w.creation_timestamp desc) from webhooks w join webhook_events we on we.webhook_id = w.webhook_id
            where ${live("w")} and w.status = 'ACTIVE' and we.entity = (select entity from ev) and we.action = ${e.action}) as ids`);
  const row = result.rows[0]!;
  return { entity: row.entity, ids: row.ids ?? [] };
}

/** What a delivery needs of a webhook (its current URL and stored secret), if it is still active. */
export async function webhookForDelivery(db: Db, id: string): Promise<{ url: string; secret: string | null } | undefined> {
  const result = await db.execute<{ url: string; secret: string | null }>(sql`
    select url, secret from webhooks w where w.webhook_id = ${id} and ${live("w")} and w.status = 'ACTIVE'`);
  return result.rows[0];
}

/** The stored secret of a live webhook (test deliveries). */
export async function webhookSecret(db: Db, id: string): Promise<string | null> {
  const result = await db.execute<{ secret: string | null }>(sql`select secret from webhooks w where w.webhook_id = ${id} and ${live("w")}`);
  return result.rows[0]?.secret ?? null;
}
