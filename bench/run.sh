#!/usr/bin/env bash
# Benchmark: the same logistic framework (bench/logistic.yaml) applied to a
# large synthetic-unit panel of real values by atrisk (streaming, then in
# memory), by a polars script and by a pandas script. Prints wall time,
# rows per second and peak memory (maximum resident set size) of each whole
# process, and checks that the outputs agree. Then times the shipped panel
# with the full UN framework.
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
PANEL="$WORK/panel-$ROWS.csv"
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
[ -f "$PANEL" ] || python3 bench/generate.py --rows "$ROWS" --out "$PANEL"
rows=$(($(wc -l < "$PANEL") - 1))

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "panel: $PANEL, $rows rows, $(head -1 "$PANEL" | tr ',' '\n' | wc -l) columns, $(du -m "$PANEL" | cut -f1) MB"
printf '%-22s %9s %9s %12s %10s\n' tool "wall (s)" "cpu (s)" "rows/s" "peak MiB"

measure() { # name, output, command...
  local name=$1 out=$2; shift 2
  "$TIME" -f '%e %M %U %S' -o "$WORK/time" "$@" > /dev/null
  read -r wall kb user sys < "$WORK/time"
  awk -v n="$name" -v w="$wall" -v k="$kb" -v r="$rows" -v c="$user" -v s="$sys" \
    'BEGIN { printf "%-22s %9.2f %9.2f %12.0f %10.1f\n", n, w, c + s, (w > 0 ? r / w : 0), k / 1024 }'
}

measure "atrisk --stream" "$WORK/atrisk.csv" \
  "$BIN" score --framework bench/logistic.yaml --data "$PANEL" --format csv --stream -o "$WORK/atrisk.csv"
measure "atrisk --stream -j1" "$WORK/atrisk1.csv" \
  "$BIN" score --framework bench/logistic.yaml --data "$PANEL" --format csv --stream --threads 1 -o "$WORK/atrisk1.csv"
# The in-memory path holds the whole panel, so a million rows are over the
# default input limits (SECURITY.md): they are raised for this run.
measure "atrisk (in memory)" "$WORK/memory.csv" \
  "$BIN" --limit data-bytes=4000000000 --limit csv-rows=100000000 --limit panel-cells=2000000000 \
  score --framework bench/logistic.yaml --data "$PANEL" --format csv --years -o "$WORK/memory.csv"
measure "polars" "$WORK/polars.csv" "$PYTHON" bench/polars_score.py "$PANEL" "$WORK/polars.csv"
measure "pandas" "$WORK/pandas.csv" "$PYTHON" bench/pandas_score.py "$PANEL" "$WORK/pandas.csv"

cmp -s "$WORK/atrisk.csv" "$WORK/atrisk1.csv" && echo "atrisk: 1 thread and all threads give byte-identical output"
python3 bench/compare.py "$WORK/atrisk.csv" "$WORK/polars.csv" "$WORK/pandas.csv"

echo
echo "shipped panel, full UN framework (un-foa-2014), all years, whole process:"
best=
for _ in 1 2 3 4 5; do
  "$TIME" -f '%e %M' -o "$WORK/time" "$BIN" score --framework un-foa-2014 --years --format csv > /dev/null
  read -r wall kb < "$WORK/time"
  best=$(awk -v a="${best:-99}" -v b="$wall" 'BEGIN { print (b < a ? b : a) }')
done
echo "best of 5: ${best} s (peak $((kb / 1024)) MiB); in-process figures: cargo bench --bench score"
