// The simulated network link between the Worker and a local database stand-in (the WebSocket proxy
// or the Neon HTTP endpoint). In production the database sits behind Neon's proxy, some distance
// from the Cloudflare location that runs the Worker; locally everything is on loopback. A link adds
// that distance back as a one-way delay on every message in either direction, and can simulate an
// outage: `drop` closes every connection and refuses new work, `freeze` accepts connections and
// never answers (the case a deadline exists for). Each stand-in owns one link; tests and the
// benchmark change it at run time through link-control.mjs.

/** `DB_ONE_WAY_DELAY_MS`: the one-way delay both stand-ins start with (default 0). */
export function oneWayDelayFromEnv(env = process.env) {
  const raw = env.DB_ONE_WAY_DELAY_MS ?? "0";
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`DB_ONE_WAY_DELAY_MS must be a number of milliseconds ≥ 0, got ${raw}`);
  return ms;
}

const OUTAGE_MODES = new Set(["drop", "freeze"]);

export class SimulatedLink {
  constructor({ name, delayMs = 0 } = {}) {
    this.name = name;
    this.delayMs = delayMs;
    /** @type {{ mode: "drop" | "freeze", until: number } | null} */
    this.outage = null;
    /** Requests or connections turned away (drop) or swallowed (freeze) during outages. */
    this.turnedAway = 0;
    this.listeners = new Set();
    this.timer = null;
  }

  /**
   * A one-way lane (one direction of one connection): `send(fn)` runs `fn` after the one-way delay,
   * in the order sent, even when the delay changes while messages are in flight (a Postgres byte
   * stream must never be reordered).
   */
  lane() {
    const queue = [];
    let timer = null;
    const pump = () => {
      timer = null;
      while (queue.length > 0 && queue[0].due <= Date.now()) queue.shift().fn();
      if (queue.length > 0) timer = setTimeout(pump, queue[0].due - Date.now());
    };
    return (fn) => {
      if (this.delayMs === 0 && queue.length === 0) return fn();
      const due = Math.max(Date.now() + this.delayMs, queue.at(-1)?.due ?? 0);
      queue.push({ due, fn });
      timer ??= setTimeout(pump, due - Date.now());
    };
  }

  /** Resolves after the one-way delay. */
  travel() {
    return this.delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, this.delayMs)) : Promise.resolve();
  }

  /** The outage in force now, if any. */
  get down() {
    if (this.outage && Date.now() >= this.outage.until) this.restore();
    return this.outage?.mode ?? null;
  }

  /** Starts an outage of `mode` for `ms` milliseconds; stand-ins hear about it through `onChange`. */
  startOutage(mode, ms) {
    if (!OUTAGE_MODES.has(mode)) throw new Error(`unknown outage mode ${mode}; use drop or freeze`);
    if (!(ms > 0)) throw new Error("an outage needs a positive duration");
    clearTimeout(this.timer);
    this.outage = { mode, until: Date.now() + ms };
    // The link heals itself, so a test that dies mid-outage leaves a working stack behind.
    this.timer = setTimeout(() => this.restore(), ms);
    this.timer.unref?.();
    this.emit();
  }

  restore() {
    clearTimeout(this.timer);
    if (!this.outage) return;
    this.outage = null;
    this.emit();
  }

  onChange(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit() {
    for (const listener of this.listeners) listener(this.down);
  }

  describe() {
    return { name: this.name, delayMs: this.delayMs, outage: this.outage, turnedAway: this.turnedAway };
  }
}
