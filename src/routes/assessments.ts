/**
 * Assessments on traces (MLflow 3.18, `/api/3.0/mlflow/traces/{trace_id}/assessments…` and the
 * `/ajax-api` twins):
 *   POST   …/traces/{trace_id}/assessments                    CreateAssessment
 *   GET    …/traces/{trace_id}/assessments/{assessment_id}    GetAssessmentRequest
 *   PATCH  …/traces/{trace_id}/assessments/{assessment_id}    UpdateAssessment (FieldMask)
 *   DELETE …/traces/{trace_id}/assessments/{assessment_id}    DeleteAssessment
 * Access follows the trace's experiment, as in mlflow/server/auth: reading needs READ; creating,
 * updating and deleting need EDIT (MLflow's delete inherits the experiment's `update`). The path's
 * trace id is the one checked and the one acted on: an assessment is only ever found through it.
 */
import { onTrace } from "../auth/access";
import { assessmentToWire, CreateAssessment, UpdateAssessment } from "../protocol/assessments";
import * as assessments from "../services/assessments";
import { pathParams, rpc, withPathParams } from "./route";

// Readers built outside the route objects, so their types are settled before `rpc` infers from them.
const readCreate = withPathParams(CreateAssessment, "trace_id");
const readUpdate = withPathParams(UpdateAssessment, "trace_id", "assessment_id");
const readIds = pathParams("trace_id", "assessment_id");
const ONE = "/traces/:trace_id/assessments/:assessment_id";

export const assessmentRoutes = [
  rpc({
    method: "POST",
    path: "/traces/:trace_id/assessments",
    version: 3,
    request: readCreate,
    access: (m) => onTrace("update", m.trace_id),
    handle: async (m, r) => ({ assessment: assessmentToWire(await assessments.createAssessment(r.db, m.trace_id, m.assessment)) }),
  }),
  rpc({
    method: "GET",
    path: ONE,
    version: 3,
    request: readIds,
    access: (m) => onTrace("read", m.trace_id),
    handle: async (m, r) => ({ assessment: assessmentToWire(await assessments.getAssessment(r.db, m.trace_id, m.assessment_id)) }),
  }),
  rpc({
    method: "PATCH",
    path: ONE,
    version: 3,
    request: readUpdate,
    access: (m) => onTrace("update", m.trace_id),
    handle: async (m, r) => ({
      assessment: assessmentToWire(await assessments.updateAssessment(r.db, m.trace_id, m.assessment_id, m.assessment, m.update_mask)),
    }),
  }),
  rpc({
    method: "DELETE",
    path: ONE,
    version: 3,
    request: readIds,
    access: (m) => onTrace("update", m.trace_id),
    handle: async (m, r) => {
      await assessments.deleteAssessment(r.db, m.trace_id, m.assessment_id);
      return {};
    },
  }),
];
