// Validates Kubernetes manifests (multi-document YAML, as `helm template` prints them) against
// the Kubernetes API schemas of kubernetes-models, and the Prometheus Operator's for its kinds.
// Prints one line per document and each error; exits 1 if any document is invalid or of a kind
// it has no schema for, 0 if all are valid.
// Usage: node validate-manifests.mjs manifests.yaml [more.yaml ...]
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// Where the schemas of an API group live; the core group ("v1") has no group name.
const packages = {
  "": "kubernetes-models",
  apps: "kubernetes-models",
  autoscaling: "kubernetes-models",
  policy: "kubernetes-models",
  batch: "kubernetes-models",
  "networking.k8s.io": "kubernetes-models",
  "rbac.authorization.k8s.io": "kubernetes-models",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

async function modelOf(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const pkg = packages[group];
  if (!pkg) {
    throw new Error(`no schemas for API group "${group}" (${apiVersion} ${kind})`);
  }
  const module = await import(`${pkg}/${apiVersion}/${kind}`).catch(() => {
    throw new Error(`no schema for ${apiVersion} ${kind}`);
  });
  const model = module[kind];
  if (typeof model !== "function") {
    throw new Error(`no schema for ${apiVersion} ${kind}`);
  }
  return model;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate-manifests.mjs <manifests.yaml> [more.yaml ...]");
  process.exit(2);
}

let checked = 0;
let invalid = 0;
for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      invalid++;
      console.log(`${file}: not YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const manifest = document.toJS();
    if (manifest === null || manifest === undefined) {
      continue; // an empty document between two "---"
    }
    checked++;
    const name = `${manifest.apiVersion} ${manifest.kind} ${manifest.metadata?.name}`;
    try {
      if (typeof manifest.apiVersion !== "string" || typeof manifest.kind !== "string") {
        throw new Error("apiVersion and kind must be strings");
      }
      const Model = await modelOf(manifest.apiVersion, manifest.kind);
      new Model(manifest).validate();
      console.log(`valid: ${name}`);
    } catch (error) {
      invalid++;
      console.log(`INVALID: ${name}`);
      const details = error.errors ?? [{ message: error.message }];
      for (const detail of details) {
        console.log(`  ${detail.instancePath ?? ""} ${detail.message}`.trimEnd());
      }
    }
  }
}
console.log(`${checked} document(s) checked, ${invalid} invalid`);
process.exit(invalid === 0 && checked > 0 ? 0 : 1);
