// Lints a Dockerfile with dockerfile-utils, every rule an error: prints each finding as
// "line:column message" and exits 1 if there is any, 0 if there is none.
// Usage: node lint-dockerfile.mjs path/to/Dockerfile
import { readFileSync } from "node:fs";
import { validate, ValidationSeverity } from "dockerfile-utils";

const path = process.argv[2];
if (!path) {
  console.error("usage: node lint-dockerfile.mjs <Dockerfile>");
  process.exit(2);
}
const content = readFileSync(path, "utf8");
const strict = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};
const findings = validate(content, strict);
for (const finding of findings) {
  const { line, character } = finding.range.start;
  console.log(`${path}:${line + 1}:${character + 1}: ${finding.message}`);
}
console.log(`${findings.length} finding(s) in ${path}`);
process.exit(findings.length === 0 ? 0 : 1);
