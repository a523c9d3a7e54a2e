// Types for the benchmark's server helpers (bench/lib/servers.mjs), which the reliability suite reuses.
declare module "*/bench/lib/servers.mjs" {
  export function createDatabases(opts: { adminUrl: string; log: (...args: unknown[]) => void }): Promise<{ urls: { ref: string; ours: string }; drop(): Promise<void> }>;
  export function startReference(opts: { databaseUrl: string; workDir: string; workers: number }): Promise<{ url: string; stop(): void | Promise<void> }>;
}

declare module "*/bench/lib/procs.mjs" {
  export function procStats(): Iterable<{ pid: number; comm: string; fields: string[] }>;
}
