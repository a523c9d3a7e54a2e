/** The plain-text answers of the auth layer, shared by the middleware and the route runner. */
import type { AuthConfig } from "./config";

function plain(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

export function unauthenticated(config: AuthConfig): Response {
  // A Basic challenge makes the official client and browsers prompt for MLflow credentials.
  const challenge = config.basic ? 'Basic realm="mlflow"' : 'Bearer realm="mlflow"';
  return plain(401, "You are not authenticated. Please provide valid credentials (see the server's README).", { "www-authenticate": challenge });
}

export const permissionDenied = (): Response => plain(403, "Permission denied");

export const forbidden = (text: string): Response => plain(403, text);
