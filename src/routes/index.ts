/**
 * Every route of the server, in one list: mounted by src/app.ts, walked by the authorization tests.
 * A route is added by declaring it in its resource's file (see README, "Adding an RPC").
 */
import type { RouteDef } from "./route";
import { artifactRoutes } from "./artifacts";
import { assessmentRoutes } from "./assessments";
import { experimentRoutes } from "./experiments";
import { datasetRoutes } from "./genai-datasets";
import { loggedModelRoutes } from "./logged-models";
import { metricRoutes } from "./metrics";
import { mlflowArtifactRoutes } from "./mlflow-artifacts";
import { otlpRoutes } from "./otlp";
import { traceArtifactRoutes } from "./trace-artifact";
import { traceRoutes } from "./traces";
import { traceMetricRoutes } from "./trace-metrics";
import { traceV2Routes } from "./traces-v2";
import { modelVersionRoutes } from "./model-versions";
import { registeredModelRoutes } from "./registered-models";
import { runRoutes } from "./runs";
import { scorerRoutes } from "./scorers";
import { serverRoutes } from "./server";
import { userRoutes } from "./users";
import { webhookRoutes } from "./webhooks";

export const ROUTES: readonly RouteDef<never>[] = [
  ...serverRoutes,
  ...mlflowArtifactRoutes,
  ...artifactRoutes,
  ...userRoutes,
  ...experimentRoutes,
  ...runRoutes,
  ...metricRoutes,
  ...loggedModelRoutes,
  ...registeredModelRoutes,
  ...modelVersionRoutes,
  ...otlpRoutes,
  ...traceRoutes,
  ...traceMetricRoutes,
  ...assessmentRoutes,
  ...traceV2Routes,
  ...traceArtifactRoutes,
  // GenAI: scorers, evaluation datasets, webhooks
  ...scorerRoutes,
  ...datasetRoutes,
  ...webhookRoutes,
] as unknown as readonly RouteDef<never>[];
