#!/usr/bin/env bash
# Benchmark: two frameworks applied to a large synthetic-unit panel of real
# values, its units grouped in a shuffled order, by atrisk (streaming, then
# in memory), by a polars script and by a pandas script: the plain case
# (bench/plain.yaml, a logistic model of raw columns, as EWP's) and a
# heavier one (bench/logistic.yaml, with rolling windows, lags and carried
# values). Prints wall time, CPU time, rows per second and peak memory
# (maximum resident set size) of each whole process, the ratios to polars
# and pandas, and checks that the outputs agree. Then times the shipped
# panel with the full UN framework.
#
#   bash bench/run.sh            # 1,000,000 rows
#   ROWS=2000000 bash bench/run.sh
#
# Needs: cargo, python3, GNU time (/usr/bin/time). pandas and polars are
# installed into bench/.venv on first use (PYTHON=... to use another).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
WORK=${WORK:-$(mktemp -d)}
PANEL="$WORK/grouped-$ROWS.csv"
TIME=/usr/bin/time

if [ -z "${PYTHON:-}" ]; then
  if [ ! -x bench/.venv/bin/python ]; then
    python3 -m venv bench/.venv
    bench/.venv/bin/pip install --quiet pandas polars
  fi
  PYTHON=bench/.venv/bin/python
fi

cargo build --release --locked --quiet
BIN=target/release/atrisk
# Units grouped, not sorted: the order of a panel sorted by another code.
[ -f "$PANEL" ] || python3 bench/generate.py --rows "$ROWS" --order shuffled --out "$PANEL"
rows=$(($(wc -l < "$PANEL") - 1))

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "panel: $PANEL, $rows rows, $(head -1 "$PANEL" | tr ',' '\n' | wc -l) columns, $(du -m "$PANEL" | cut -f1) MB, units grouped in a shuffled order"

declare -A WALL CPU
measure() { # name, command...
  local name=$1; shift
  "$TIME" -f '%e %M %U %S' -o "$WORK/time" "$@" > /dev/null
  read -r wall kb user sys < "$WORK/time"
  WALL[$name]=$wall
  CPU[$name]=$(awk -v c="$user" -v s="$sys" 'BEGIN { print c + s }')
  awk -v n="$name" -v w="$wall" -v k="$kb" -v r="$rows" -v c="${CPU[$name]}" \
    'BEGIN { printf "%-24s %9.2f %9.2f %12.0f %10.1f\n", n, w, c, (w > 0 ? r / w : 0), k / 1024 }'
}
ratios() { # peer, names...
  local peer=$1; shift
  for n in "$@"; do
    awk -v n="$n" -v p="$peer" -v w="${WALL[$n]}" -v pw="${WALL[$peer]}" -v c="${CPU[$n]}" -v pc="${CPU[$peer]}" \
      'BEGIN { printf "  %-22s / %-7s wall %5.2f   cpu %5.2f\n", n, p, w / pw, c / pc }'
  done
}
# The in-memory path holds the whole panel, so a million rows are over the
# default input limits (SECURITY.md): they are raised for those runs.
LIMITS=(--limit data-bytes=4000000000 --limit csv-rows=100000000 --limit panel-cells=2000000000
  --limit grid-cells=100000000 --limit score-cells=2000000000)

run_case() { # title, framework, polars command, pandas command (each a string)
  local title=$1 fw=$2 pl=$3 pd=$4
  echo
  echo "$title ($fw)"
  printf '%-24s %9s %9s %12s %10s\n' tool "wall (s)" "cpu (s)" "rows/s" "peak MiB"
  measure "atrisk --stream" "$BIN" score --framework "$fw" --data "$PANEL" --format csv --stream -o "$WORK/atrisk.csv"
  measure "atrisk --stream -j1" "$BIN" score --framework "$fw" --data "$PANEL" --format csv --stream --threads 1 -o "$WORK/atrisk1.csv"
  measure "atrisk (in memory)" "$BIN" "${LIMITS[@]}" score --framework "$fw" --data "$PANEL" --format csv --years -o "$WORK/memory.csv"
  # shellcheck disable=SC2086 # each peer is a script and its arguments
  measure "polars" "$PYTHON" $pl "$PANEL" "$WORK/polars.csv"
  # shellcheck disable=SC2086
  measure "pandas" "$PYTHON" $pd "$PANEL" "$WORK/pandas.csv"
  echo "ratios (below 1: atrisk takes less):"
  ratios polars "atrisk --stream" "atrisk --stream -j1" "atrisk (in memory)"
  ratios pandas "atrisk --stream" "atrisk (in memory)"
  cmp -s "$WORK/atrisk.csv" "$WORK/atrisk1.csv" && echo "atrisk --stream: 1 thread and all threads give byte-identical output"
  python3 bench/compare.py "$WORK/atrisk.csv" "$WORK/polars.csv" "$WORK/pandas.csv"
  python3 bench/compare.py "$WORK/memory.csv" "$WORK/polars.csv"
  python3 bench/compare.py --tol 1e-9 "$WORK/polars.csv" "$WORK/pandas.csv"
}

run_case "plain case: logistic model of raw columns" bench/plain.yaml "bench/plain_peers.py polars" "bench/plain_peers.py pandas"
run_case "heavier case: rolling windows, lags, carrying forward" bench/logistic.yaml bench/polars_score.py bench/pandas_score.py

echo
echo "shipped panel, full UN framework (un-foa-2014), all years, whole process:"
best=
for _ in 1 2 3 4 5; do
  "$TIME" -f '%e %M' -o "$WORK/time" "$BIN" score --framework un-foa-2014 --years --format csv > /dev/null
  read -r wall kb < "$WORK/time"
  best=$(awk -v a="${best:-99}" -v b="$wall" 'BEGIN { print (b < a ? b : a) }')
done
echo "best of 5: ${best} s (peak $((kb / 1024)) MiB); in-process figures: cargo bench --bench score"
