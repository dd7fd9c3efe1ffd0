#!/bin/bash
# Slurm job array running one galforge survey in N shards, then a merge job.
#
#   sbatch --array=0-15 deploy/slurm-survey.sh examples/field-power-spectrum.yaml out/field
#   (the script submits the merge itself, after all array tasks succeed)
#
# Each array task renders shard $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT
# into OUT/shards/I; `galforge survey merge` then writes OUT/ with image and
# truth files identical byte for byte to a single-process run.
#SBATCH --job-name=galforge-survey
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=galforge-survey-%A_%a.log
set -euo pipefail

CONFIG=${1:?usage: sbatch --array=0-(N-1) slurm-survey.sh CONFIG.yaml OUTDIR}
OUT=${2:?usage: sbatch --array=0-(N-1) slurm-survey.sh CONFIG.yaml OUTDIR}
GALFORGE=${GALFORGE:-galforge}
# Same BLAS back-end and thread count on every node, so that generator
# shards are byte-identical (see README.md); override both for all tasks.
export GALFORGE_BLAS=${GALFORGE_BLAS:-gonum}
export GALFORGE_THREADS=${GALFORGE_THREADS:-1}
I=${SLURM_ARRAY_TASK_ID:?run this script with sbatch --array}
N=${SLURM_ARRAY_TASK_COUNT:?run this script with sbatch --array}

"$GALFORGE" survey "$CONFIG" -o "$OUT/shards/$I" --shard "$I/$N" \
  --workers "${SLURM_CPUS_PER_TASK:-1}" --quiet

# The first task queues the merge, to start when every task has succeeded.
if [ "$I" -eq "${SLURM_ARRAY_TASK_MIN:-0}" ]; then
  shards=()
  for ((k = 0; k < N; k++)); do shards+=("$OUT/shards/$k"); done
  sbatch --dependency="afterok:${SLURM_ARRAY_JOB_ID}" --job-name=galforge-merge \
    --cpus-per-task=1 --mem=1G --output="galforge-merge-%j.log" \
    --wrap="$GALFORGE survey merge $OUT ${shards[*]}"
fi
