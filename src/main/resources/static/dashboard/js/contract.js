// What the dashboard knows of the API's settings comes from the contract itself
// (/openapi.yaml): the forms list its fields with their ranges, defaults and descriptions.
import { load } from '/webjars/js-yaml/dist/js-yaml.mjs';

let document;

export function contract() {
  document ??= fetch('/openapi.yaml', { cache: 'no-store' })
    .then((response) => {
      if (!response.ok) throw new Error(`The contract /openapi.yaml answered ${response.status}.`);
      return response.text();
    })
    .then((text) => load(text));
  return document;
}

function resolve(doc, schema) {
  let s = schema;
  while (s?.$ref) {
    s = s.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node, key) => node[key], doc);
  }
  return s;
}

/** A form field from a schema property. */
function field(doc, name, schema, path) {
  const s = resolve(doc, schema);
  let type = s.type;
  let choices = s.enum ?? null;
  let number = s;
  if (s.oneOf) {
    number = s.oneOf.find((o) => o.type === 'number' || o.type === 'integer') ?? {};
    choices = s.oneOf.find((o) => o.enum)?.enum ?? null;
    type = 'number-or-word';
  }
  return {
    name,
    path,
    type,
    format: s.format ?? null,
    choices,
    minimum: number.minimum ?? null,
    maximum: number.maximum ?? null,
    exclusiveMinimum: number.exclusiveMinimum === true,
    exclusiveMaximum: number.exclusiveMaximum === true,
    default: s.default ?? null,
    description: (s.description ?? '').trim(),
  };
}

export async function jobStates() {
  const doc = await contract();
  return doc.components.schemas.JobState.enum;
}

/**
 * The fields of a job request: the engine settings (under `settings`) and the run's own
 * (splits, seed, input reduction); not the model and the datasets (ids), which the form chooses
 * apart.
 */
export async function jobFields() {
  const doc = await contract();
  const request = doc.components.schemas.JobRequest;
  const fields = { settings: [], run: [] };
  for (const [name, schema] of Object.entries(request.properties)) {
    const resolved = resolve(doc, schema);
    if (request.required?.includes(name) || resolved.format === 'uuid') continue;
    if (resolved.type === 'object') {
      for (const [inner, innerSchema] of Object.entries(resolved.properties)) {
        fields.settings.push(field(doc, inner, innerSchema, [name, inner]));
      }
    } else {
      fields.run.push(field(doc, name, schema, [name]));
    }
  }
  return fields;
}

/** The parts of an upload form (multipart), e.g. uploadDataset's files, task and options. */
export async function uploadFields(operationId) {
  const doc = await contract();
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      if (operation?.operationId !== operationId) continue;
      const schema = resolve(doc, operation.requestBody.content['multipart/form-data'].schema);
      return {
        description: (operation.description ?? '').trim(),
        required: schema.required ?? [],
        fields: Object.entries(schema.properties).map(([name, s]) => field(doc, name, s, [name])),
      };
    }
  }
  throw new Error(`The contract has no operation ${operationId}.`);
}
