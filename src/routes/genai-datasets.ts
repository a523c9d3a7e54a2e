/**
 * /api/3.0/mlflow/datasets/* RPCs (GenAI evaluation datasets): create, get, delete, search, tags,
 * records (upsert, page, delete), and links to experiments.
 *
 * Permissions as in MLflow's auth app: a dataset is authorized through the experiments it is
 * linked to (every one of them; an unlinked dataset is admins' only). Creating and searching name
 * their experiments and need EDIT / READ on each; linking needs EDIT on the dataset and on the
 * experiments added.
 */
import { allOf, onDataset, onExperiments } from "../auth/access";
import {
  CreateDataset,
  DatasetExperiments,
  datasetToWire,
  DeleteDatasetRecords,
  GetDatasetRecords,
  SearchEvaluationDatasets,
  SetDatasetTags,
  UpsertDatasetRecords,
} from "../protocol/genai-datasets";
import { pageToWire } from "../protocol/proto-json";
import * as datasets from "../services/genai-datasets";
import * as records from "../services/genai-dataset-records";
import { pathParams, rpc, withPathParams } from "./route";

const byId = pathParams("dataset_id");
const byIdAndKey = pathParams("dataset_id", "key");
const readSetTags = withPathParams(SetDatasetTags, "dataset_id");
const readUpsertRecords = withPathParams(UpsertDatasetRecords, "dataset_id");
const readGetRecords = withPathParams(GetDatasetRecords, "dataset_id");
const readDeleteRecords = withPathParams(DeleteDatasetRecords, "dataset_id");
const readExperiments = withPathParams(DatasetExperiments, "dataset_id");

export const datasetRoutes = [
  rpc({
    method: "POST",
    path: "/datasets/create",
    version: 3,
    request: CreateDataset,
    access: (m) => onExperiments("update", m.experiment_ids),
    handle: async (m, r) => {
      const created = await datasets.createDataset(r.db, { name: m.name, tags: m.tags || undefined, experimentIds: m.experiment_ids });
      return { dataset: datasetToWire(created.row, { tagsJson: created.tagsJson, experimentIds: created.experimentIds }) };
    },
  }),

  // Before /datasets/:dataset_id, so that "search" is not read as a dataset id.
  rpc({
    method: ["POST", "GET"],
    path: "/datasets/search",
    version: 3,
    request: SearchEvaluationDatasets,
    // MLflow's auth app: the search must name experiments, each readable.
    access: (m) => onExperiments("read", m.experiment_ids),
    handle: async (m, r) => {
      const page = await datasets.searchDatasets(r.db, {
        experimentIds: m.experiment_ids,
        filter: m.filter_string || undefined,
        // proto default 1000; an explicit 0 reads as "unset" (MLflow's `max_results or None`).
        maxResults: m.max_results === undefined ? 1000 : m.max_results || undefined,
        orderBy: m.order_by,
        pageToken: m.page_token || undefined,
      });
      return pageToWire("datasets", page.items.map((d) => datasetToWire(d)), page.nextPageToken);
    },
  }),

  rpc({
    method: "GET",
    path: "/datasets/:dataset_id",
    version: 3,
    request: byId,
    access: (m) => onDataset("read", m.dataset_id),
    handle: async (m, r) => ({ dataset: datasetToWire(await datasets.getDataset(r.db, m.dataset_id)) }),
  }),

  rpc({
    method: "DELETE",
    path: "/datasets/:dataset_id",
    version: 3,
    request: byId,
    access: (m) => onDataset("delete", m.dataset_id),
    handle: async (m, r) => {
      await datasets.deleteDataset(r.db, m.dataset_id);
      return {};
    },
  }),

  rpc({
    method: "PATCH",
    path: "/datasets/:dataset_id/tags",
    version: 3,
    request: readSetTags,
    access: (m) => onDataset("update", m.dataset_id),
    handle: async (m, r) => {
      await datasets.setDatasetTags(r.db, m.dataset_id, m.tags);
      return {};
    },
  }),

  rpc({
    method: "DELETE",
    path: "/datasets/:dataset_id/tags/:key",
    version: 3,
    request: byIdAndKey,
    access: (m) => onDataset("update", m.dataset_id),
    handle: async (m, r) => {
      await datasets.deleteDatasetTag(r.db, m.dataset_id, m.key);
      return {};
    },
  }),

  rpc({
    method: "POST",
    path: "/datasets/:dataset_id/records",
    version: 3,
    request: readUpsertRecords,
    access: (m) => onDataset("update", m.dataset_id),
    handle: async (m, r) => {
      const counts = await records.upsertRecords(r.db, m.dataset_id, m.records);
      return { inserted_count: counts.inserted, updated_count: counts.updated };
    },
  }),

  rpc({
    method: "GET",
    path: "/datasets/:dataset_id/records",
    version: 3,
    request: readGetRecords,
    access: (m) => onDataset("read", m.dataset_id),
    handle: async (m, r) => {
      const page = await records.recordsPage(r.db, m.dataset_id, m.max_results || 1000, m.page_token || undefined);
      return page.nextPageToken ? { records: page.records, next_page_token: page.nextPageToken } : { records: page.records };
    },
  }),

  rpc({
    method: "DELETE",
    path: "/datasets/:dataset_id/records",
    version: 3,
    request: readDeleteRecords,
    access: (m) => onDataset("update", m.dataset_id),
    handle: async (m, r) => ({ deleted_count: await records.deleteRecords(r.db, m.dataset_id, m.dataset_record_ids) }),
  }),

  rpc({
    method: "GET",
    path: "/datasets/:dataset_id/experiment-ids",
    version: 3,
    request: byId,
    access: (m) => onDataset("read", m.dataset_id),
    handle: async (m, r) => {
      const ids = await datasets.datasetExperimentIds(r.db, m.dataset_id);
      return ids.length > 0 ? { experiment_ids: ids } : {};
    },
  }),

  rpc({
    method: "POST",
    path: "/datasets/:dataset_id/add-experiments",
    version: 3,
    request: readExperiments,
    access: (m) => allOf(onDataset("update", m.dataset_id), onExperiments("update", m.experiment_ids)),
    handle: async (m, r) => ({ dataset: datasetToWire(await datasets.addDatasetToExperiments(r.db, m.dataset_id, m.experiment_ids)) }),
  }),

  rpc({
    method: "POST",
    path: "/datasets/:dataset_id/remove-experiments",
    version: 3,
    request: readExperiments,
    access: (m) => onDataset("update", m.dataset_id),
    handle: async (m, r) => ({ dataset: datasetToWire(await datasets.removeDatasetFromExperiments(r.db, m.dataset_id, m.experiment_ids)) }),
  }),
];
