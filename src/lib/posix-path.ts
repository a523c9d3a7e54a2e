/** Python's posixpath behaviour that MLflow's name checks rely on. */

/** POSIX normpath (Python's os.path.normpath on a POSIX server), to tell whether a name would resolve to another name. */
export function normpath(p: string): string {
  if (p === "") return ".";
  const leading = p.startsWith("/") ? (p.startsWith("//") && !p.startsWith("///") ? "//" : "/") : "";
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && ((!leading && out.length === 0) || out[out.length - 1] === "..")) out.push(part);
    else if (part === "..") {
      if (out.length > 0) out.pop();
    } else out.push(part);
  }
  const joined = leading + out.join("/");
  return joined || ".";
}
