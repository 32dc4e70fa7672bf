#!/usr/bin/env bash
# The whole path with curl: upload the example model and dataset, start a compression job,
# follow it with a progress bar, print the report's key figures and save the pruned model.
#
#   ./mvnw spring-boot:run          # in another terminal
#   examples/run.sh                 # SLABPRUNE_URL=http://host:8080 to use another service
#
# Needs curl and python3 (to read JSON).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
base=${SLABPRUNE_URL:-http://localhost:8080}
model_file=${MODEL:-$here/digits-mlp.onnx}
data_file=${DATA:-$here/digits.csv}
out=${OUT:-$here/digits-mlp.pruned.onnx}
settings=${SETTINGS:-'{}'}
task=${TASK:-classification}

json() { # json PATH < document: prints the value at a dotted path
  python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[int(key)] if isinstance(value, list) else value.get(key)
    if value is None:
        break
print(json.dumps(value) if isinstance(value, (dict, list)) else value)' "$1"
}

fail() { echo "error: $*" >&2; exit 1; }

command -v curl >/dev/null 2>&1 || fail "curl is needed (apt-get install curl)"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to read the service's JSON answers (apt-get install python3)"

call() { # call METHOD PATH [curl args...]: prints the body, fails with the problem detail on 4xx/5xx
  local method=$1 path=$2; shift 2
  local body status
  body=$(curl -sS -X "$method" -w '\n%{http_code}' "$base$path" "$@") || fail "cannot reach $base"
  status=${body##*$'\n'}
  body=${body%$'\n'*}
  if [ "$status" -ge 400 ]; then
    fail "$method $path answered $status: $(echo "$body" | json detail 2>/dev/null || echo "$body")"
  fi
  echo "$body"
}

curl -sf "$base/actuator/health" >/dev/null || fail "no service at $base: start it with ./mvnw spring-boot:run"

echo "Uploading $(basename "$model_file")"
model=$(call POST /api/v1/models -F "file=@$model_file")
echo "  architecture $(echo "$model" | json summary.architecture), $(echo "$model" | json summary.parameterCount) parameters"
echo "Uploading $(basename "$data_file")"
dataset=$(call POST /api/v1/datasets -F "file=@$data_file" -F "task=$task")
echo "  $(echo "$dataset" | json summary.rows) rows, $(echo "$dataset" | json summary.features) features, $(echo "$dataset" | json summary.task)"

request=$(python3 -c 'import json, sys; print(json.dumps({"modelId": sys.argv[1], "datasetId": sys.argv[2], "seed": 1, "settings": json.loads(sys.argv[3])}))' \
  "$(echo "$model" | json id)" "$(echo "$dataset" | json id)" "$settings")
job=$(call POST /api/v1/jobs -H 'Content-Type: application/json' -d "$request")
id=$(echo "$job" | json id)
echo "Job $id queued"

while :; do
  job=$(call GET "/api/v1/jobs/$id")
  state=$(echo "$job" | json state)
  fraction=$(echo "$job" | json progress.fraction)
  [ "$fraction" = "None" ] && fraction=0
  filled=$(python3 -c "print(int(round(float('$fraction') * 40)))")
  bar=$(printf '%*s' "$filled" '' | tr ' ' '#')
  printf '\r  %-9s [%-40s] %3.0f%%  epoch %s/%s  density %s ' "$state" "$bar" \
    "$(python3 -c "print(float('$fraction') * 100)")" \
    "$(echo "$job" | json progress.epoch)" "$(echo "$job" | json progress.totalEpochs)" \
    "$(echo "$job" | json progress.density)"
  case $state in SUCCEEDED|FAILED|CANCELLED) echo; break ;; esac
  sleep 1
done
[ "$state" = SUCCEEDED ] || fail "job $state: $(echo "$job" | json failure.detail)"

report=$(call GET "/api/v1/jobs/$id/report")
echo "Report"
echo "  surviving architecture  $(echo "$report" | json pruning.survivingArchitecture) (was $(echo "$report" | json pruning.originalArchitecture))"
echo "  weights kept            $(echo "$report" | json pruning.keptWeights) of $(echo "$report" | json pruning.totalWeights)"
echo "  inputs kept             $(echo "$report" | json pruning.keptInputs) of $(echo "$report" | json pruning.totalInputs)"
echo "  test accuracy           uploaded $(echo "$report" | json scores.uploaded.accuracy), pruned $(echo "$report" | json scores.pruned.accuracy), model average $(echo "$report" | json scores.modelAverage.accuracy), magnitude pruning $(echo "$report" | json scores.magnitudeBaseline.accuracy)"
echo "  ONNX bytes              $(echo "$report" | json artifact.sizeBytes) (was $(echo "$report" | json artifact.originalSizeBytes))"
echo "  quality budget met      $(echo "$report" | json budget.met) (validation score $(echo "$report" | json budget.delivered.validationScore), limit $(echo "$report" | json budget.limit), reference $(echo "$report" | json budget.referenceSource))"
echo "  advice                  $(echo "$report" | json budget.advice)"
echo "  warnings                $(echo "$report" | json warnings)"
curl -sSf -o "$out" "$base/api/v1/jobs/$id/artifact"
echo "Pruned model saved to $out"
