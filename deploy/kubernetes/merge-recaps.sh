#!/usr/bin/env bash
# merge-recaps.sh [JOB] -- after the Indexed Job finished: one PLAY RECAP for all its slices, and the
# exit code the whole run would have had (0 ok, 2 a host failed, 4 a host unreachable).
set -euo pipefail
job=${1:-betif-play}
slices=$(kubectl get job "$job" -o jsonpath='{.spec.completions}')
dir=$(mktemp -d)
trap 'rm -rf -- "$dir"' EXIT
for ((index = 0; index < slices; index++)); do
  pod=$(kubectl get pods -l "job-name=$job,batch.kubernetes.io/job-completion-index=$index" -o jsonpath='{.items[0].metadata.name}')
  kubectl logs "$pod" -c betif-play > "$dir/slice-$((index + 1)).json"
done
exec betif-play recap merge "$dir"/slice-*.json
