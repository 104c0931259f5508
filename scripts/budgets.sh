#!/bin/sh
# Measures the promise of SECURITY.md on a release build: for each input of
# tests/budgets.rs (all generated, all under 1 MB), runs each command and
# prints its exit code, wall time and peak memory. Needs GNU time
# (/usr/bin/time). Usage: scripts/budgets.sh [FOLDER] (default: a new
# temporary folder).
set -eu
dir=${1:-$(mktemp -d)}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
cargo build --release --locked --quiet
[ -d "$dir/case0" ] || ATRISK_BUDGET_INPUTS="$dir" cargo test --release --locked --quiet --test budgets >/dev/null
bin="$here/target/release/atrisk"
printf '%-6s %-9s %-10s %s\n' exit seconds "peak MiB" command
for case in "$dir"/case*; do
    printf '\n# %s (%s bytes of input)\n' "$(cat "$case/name.txt")" \
        "$(cat "$case"/*.csv "$case"/*.yaml 2>/dev/null | wc -c)"
    while read -r expected args; do
        # shellcheck disable=SC2086
        (cd "$case" && /usr/bin/time -f '%e %M' -o "$case/time.txt" \
            "$bin" --color never $args >/dev/null 2>"$case/stderr.txt") && code=0 || code=$?
        read -r secs kib <<END
$(tail -n 1 "$case/time.txt")
END
        printf '%-6s %-9s %-10s atrisk %s (expected exit %s)\n' "$code" "$secs" \
            "$((kib / 1024))" "$args" "$expected"
    done < "$case/runs.txt"
done
