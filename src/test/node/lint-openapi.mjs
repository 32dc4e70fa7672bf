// Lints an OpenAPI document with Redocly CLI and the recommended ruleset (redocly.yaml beside
// this script): prints each problem as "path:line:column severity rule message", then the counts,
// and exits 1 if there is an error, 0 otherwise (warnings are printed, and the caller judges them).
// Usage: node lint-openapi.mjs path/to/openapi.yaml
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const path = process.argv[2];
if (!path) {
  console.error("usage: node lint-openapi.mjs <openapi.yaml>");
  process.exit(2);
}
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const lint = spawnSync(
  process.execPath,
  [
    here("./node_modules/@redocly/cli/bin/cli.js"),
    "lint",
    "--config",
    here("./redocly.yaml"),
    "--format",
    "json",
    "--max-problems",
    "1000",
    path,
  ],
  {
    encoding: "utf8",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  },
);
let report;
try {
  report = JSON.parse(lint.stdout);
} catch {
  console.error(`Redocly CLI gave no report (exit ${lint.status}):\n${lint.stdout}\n${lint.stderr}`);
  process.exit(2);
}
for (const problem of report.problems) {
  const where = problem.location?.[0]?.start ?? { line: 0, col: 0 };
  const severity = problem.severity === "error" ? "error" : "warning";
  console.log(`${path}:${where.line}:${where.col} ${severity} ${problem.ruleId} ${problem.message}`);
}
const { errors, warnings } = report.totals;
console.log(`${errors} error(s), ${warnings} warning(s) in ${path} (Redocly CLI ${report.version})`);
process.exit(errors === 0 ? 0 : 1);
