/** Trace RPCs on the wire: request messages (MLflow's service.proto and its handler schemas). */
import {
  KeyValue,
  anyValue,
  bool,
  enumOf,
  experimentId,
  int32,
  int64,
  isArray,
  isIntLike,
  isString,
  isStringList,
  mapOf,
  message,
  nested,
  repeated,
  required,
  string,
  type Check,
  type Infer,
} from "./message";
import { MlflowError, invalidParameterType } from "../errors";

/** `_assert_less_than_or_equal(int(x), 500)`, MLflow's page cap for trace searches. */
const atMost500: Check = ({ value, field }) => {
  if (value !== undefined && value !== null && Number(value) > 500) throw invalidParameterType(field, value);
};

/** `_assert_map_key_present`: every entry of a key/value list names its key. */
const keysPresent: Check = ({ value, field }) => {
  if (!Array.isArray(value)) return;
  value.forEach((entry, i) => {
    const key = (entry as Record<string, unknown> | null)?.key;
    if (key === undefined || key === null || key === "") {
      throw MlflowError.invalidParameter(`Missing value for required parameter '${field}[${i}].key'. See the API docs for more information about request parameters.`);
    }
  });
};

export const TRACE_STATES = ["OK", "ERROR", "IN_PROGRESS", "STATE_UNSPECIFIED"] as const;
export const TRACE_STATUSES_V2 = ["OK", "ERROR", "IN_PROGRESS", "TRACE_STATUS_UNSPECIFIED"] as const;

const TraceLocation = message({
  type: string(),
  mlflow_experiment: nested(message({ experiment_id: experimentId() })),
});

export const TraceInfoV3 = message({
  trace_id: string(),
  client_request_id: string(),
  trace_location: nested(TraceLocation),
  request_preview: string(),
  response_preview: string(),
  /** Timestamp JSON (RFC 3339); a number is not a Timestamp. */
  request_time: string(),
  execution_duration: string(),
  state: enumOf(TRACE_STATES),
  trace_metadata: mapOf(),
  assessments: repeated(anyValue()),
  tags: mapOf(),
});
export type TraceInfoV3 = Infer<typeof TraceInfoV3>;

export const StartTraceV3 = message({
  trace: nested(message({ trace_info: nested(TraceInfoV3), spans: repeated(anyValue()) })).required(),
});

export const TraceById = message({});

export const GetTrace = message({ trace_id: string().check(isString).required(), allow_partial: bool() });

export const BatchGet = message({
  trace_ids: repeated(string()).check(isArray, required, isStringList),
  experiment_ids: repeated(experimentId()).check(isArray, isStringList),
});

export const SearchTracesV3 = message({
  locations: repeated(TraceLocation).check(isArray, required),
  filter: string().check(isString),
  max_results: int32().check(isIntLike, atMost500),
  order_by: repeated(string()).check(isArray, isStringList),
  page_token: string().check(isString),
});

export const SearchTracesV2 = message({
  experiment_ids: repeated(experimentId()).check(isArray, isStringList, required),
  filter: string().check(isString),
  max_results: int32().check(isIntLike, atMost500),
  order_by: repeated(string()).check(isArray, isStringList),
  page_token: string().check(isString),
});

export const DeleteTraces = message({
  experiment_id: experimentId().check(isString).required(),
  max_timestamp_millis: int64().check(isIntLike),
  max_traces: int32().check(isIntLike),
  request_ids: repeated(string()).check(isArray, isStringList),
});

export const SetTraceTag = message({ key: string().check(isString).required(), value: string().check(isString) });
export const DeleteTraceTag = message({ key: string().check(isString).required() });

export const LinkTracesToRun = message({
  trace_ids: repeated(string()).check(isArray, required, isStringList),
  run_id: string().check(isString).required(),
});

export const LinkPromptsToTrace = message({
  trace_id: string().check(isString).required(),
  prompt_versions: repeated(message({ name: string(), version: string() })).check(isArray, required),
});

export const StartTraceV2 = message({
  experiment_id: experimentId().check(isString),
  timestamp_ms: int64().check(isIntLike),
  request_metadata: repeated(KeyValue).check(keysPresent),
  tags: repeated(KeyValue).check(keysPresent),
});

export const EndTraceV2 = message({
  timestamp_ms: int64().check(isIntLike),
  status: enumOf(TRACE_STATUSES_V2).check(isString),
  request_metadata: repeated(KeyValue).check(keysPresent),
  tags: repeated(KeyValue).check(keysPresent),
});

/** Key/value lists as a dict (the last value of a key wins, as Python's dict comprehension). */
export const kvDict = (entries: { key?: string; value?: string }[]) => Object.fromEntries(entries.map((e) => [e.key ?? "", e.value ?? ""]));
