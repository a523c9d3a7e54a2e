/**
 * Settings: the theme, and when the server has auth on, who I am, my access tokens (create,
 * list, revoke) and my permission on an experiment (plus, for those who manage it, another
 * user's). Uses MLflow's basic-auth API; with auth off those endpoints answer 404 and the page
 * says so.
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { ErrorBox, Spinner } from "../components/common";
import { useAction, useAsync } from "../hooks";
import { formatTime } from "../format";
import { setTheme, theme, type ThemeChoice } from "../theme";
import type { Int64 } from "../types";

interface User {
  id: number;
  username: string;
  is_admin: boolean;
}

interface Token {
  id: number;
  name: string;
  username?: string;
  created_at?: Int64;
  expires_at?: Int64;
  revoked_at?: Int64;
}

export default function SettingsPage() {
  const me = useAsync(() => api.get<{ user: User }>("/users/current").then((r) => r.user), []);
  const authOff = me.error instanceof ApiError && me.error.status === 404;
  return (
    <div class="page settings-page">
      <div class="page-head">
        <h1>Settings</h1>
      </div>
      <section class="card">
        <div class="card-head">
          <h2>Appearance</h2>
        </div>
        <fieldset class="segmented-field">
          <legend>Theme</legend>
          {(["auto", "light", "dark"] as ThemeChoice[]).map((t) => (
            <label key={t} class="check">
              <input type="radio" name="theme" value={t} checked={theme.value === t} onChange={() => setTheme(t)} /> {t === "auto" ? "Follow the system" : t === "light" ? "Light" : "Dark"}
            </label>
          ))}
        </fieldset>
      </section>
      <section class="card" data-testid="account">
        <div class="card-head">
          <h2>Account</h2>
        </div>
        {me.loading && <Spinner />}
        {authOff && <p class="muted">Authentication is off on this server: everyone has full access, and there are no users or tokens.</p>}
        {me.error && !authOff ? <ErrorBox error={me.error} title="Could not read the signed-in user." /> : null}
        {me.data && (
          <table class="details">
            <tbody>
              <tr>
                <th>Signed in as</th>
                <td data-testid="username">{me.data.username}</td>
              </tr>
              <tr>
                <th>Role</th>
                <td>{me.data.is_admin ? "Administrator" : "User"}</td>
              </tr>
            </tbody>
          </table>
        )}
      </section>
      {me.data && <Tokens />}
      {me.data && <Permissions me={me.data} />}
    </div>
  );
}

function Tokens() {
  const list = useAsync(() => api.get<{ tokens?: Token[] }>("/users/tokens/list").then((r) => r.tokens ?? []), []);
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAction(list.reload);
  const revoke = useAction(list.reload);
  return (
    <section class="card" data-testid="tokens">
      <div class="card-head">
        <h2>Access tokens</h2>
      </div>
      <p class="muted small-text">
        For training jobs: <code>export MLFLOW_TRACKING_TOKEN=…</code>. A token's secret is shown once, when it is created.
      </p>
      <form
        class="row"
        onSubmit={create.submit(async () => {
          const res = await api.post<{ secret: string }>("/users/tokens/create", { name: name.trim(), expires_in_days: days || undefined });
          setSecret(res.secret);
          setName("");
        })}
      >
        <input aria-label="Token name" placeholder="Token name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        <label class="check">
          Expires in
          <input aria-label="Expires in days" type="number" min="1" max="3650" value={days} onInput={(e) => setDays(e.currentTarget.value)} class="narrow" /> days
        </label>
        <button type="submit" class="primary" disabled={create.busy || !name.trim()}>
          Create token
        </button>
      </form>
      <ErrorBox error={create.error} />
      {secret && (
        <div class="secret-box" role="status">
          New token (copy it now; it is not shown again): <code data-testid="token-secret">{secret}</code>{" "}
          <button type="button" class="small" onClick={() => navigator.clipboard?.writeText(secret)}>
            Copy
          </button>
        </div>
      )}
      <ErrorBox error={list.error || revoke.error} />
      {list.data && list.data.length === 0 && <p class="muted">No tokens.</p>}
      {list.data && list.data.length > 0 && (
        <table class="table compact">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Expires</th>
              <th>State</th>
              <th class="actions-col" />
            </tr>
          </thead>
          <tbody>
            {list.data.map((t) => (
              <tr key={t.id} data-token-id={t.id}>
                <td>{t.name}</td>
                <td>{formatTime(t.created_at)}</td>
                <td>{t.expires_at ? formatTime(t.expires_at) : "never"}</td>
                <td>{t.revoked_at ? `revoked ${formatTime(t.revoked_at)}` : "active"}</td>
                <td class="actions-col">
                  {!t.revoked_at && (
                    <button type="button" class="small danger" onClick={() => revoke.run(() => api.post("/users/tokens/revoke", { id: String(t.id) }))}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Permissions({ me }: { me: User }) {
  const [experimentId, setExperimentId] = useState("");
  const [username, setUsername] = useState(me.username);
  const [result, setResult] = useState<{ permission: string; who: string; id: string } | null>(null);
  const check = useAction();
  return (
    <section class="card" data-testid="permissions">
      <div class="card-head">
        <h2>Permissions</h2>
      </div>
      <form
        class="row"
        onSubmit={check.submit(async () => {
          const res = await fetch(`/api/3.0/mlflow/users/permissions/get?${new URLSearchParams({ username, resource_type: "experiment", resource_id: experimentId })}`);
          const body = (await res.json().catch(() => ({}))) as { permission?: string; message?: string; error_code?: string };
          if (!res.ok) throw new ApiError(res.status, body.error_code ?? `HTTP_${res.status}`, body.message ?? res.statusText);
          setResult({ permission: body.permission ?? "?", who: username, id: experimentId });
        })}
      >
        <input aria-label="Experiment ID" placeholder="Experiment ID" value={experimentId} onInput={(e) => setExperimentId(e.currentTarget.value)} required />
        <input aria-label="User" placeholder="User" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        <button type="submit" disabled={check.busy}>
          Check permission
        </button>
      </form>
      <ErrorBox error={check.error} />
      {result && (
        <p data-testid="permission-result">
          <strong>{result.who}</strong> has <strong>{result.permission}</strong> on experiment {result.id}.
        </p>
      )}
      <p class="muted small-text">Users see their own permissions; checking someone else's needs MANAGE on the experiment.</p>
    </section>
  );
}
