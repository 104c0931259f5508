#!/bin/sh
# Refits the weights and intercept of frameworks/un-foa-2014-forecast.yaml on
# the shipped data and the mass-killing onsets, after the data, the events or
# the base framework change. Run from anywhere; it works in the repository root.
#
#   scripts/fit_forecast.sh
#
# 1. rebuilds examples/data/mass-killing-history.csv from the onsets file;
# 2. fits the logistic node `forecast.onset` with `atrisk fit`: elastic net
#    (alpha 0.5) on every country-year whose two-year outcome is known, the
#    penalty chosen by 5-fold cross-validation by year (the procedure that
#    `atrisk backtest --refit-every 1` runs inside each yearly refit);
# 3. replaces the framework file with the result, whose first comment block
#    records the fit (data, years, alpha, lambda, rows, positives).
#
# Then check the result: `atrisk backtest --framework
# frameworks/un-foa-2014-forecast.yaml --events
# examples/data/mass-killing-onsets.csv --refit-every 1`, re-record the golden
# outputs (ATRISK_BLESS=1 cargo test --test golden) and update the figures in
# docs/methodology.md, section 14.
set -eu
cd "$(dirname "$0")/.."
python3 scripts/build_mass_killing_history.py
cargo build --release --locked --quiet
fw=frameworks/un-foa-2014-forecast.yaml
new="$fw.new"
rm -f "$new"
./target/release/atrisk fit --framework "$fw" \
  --data examples/data/panel.csv --data examples/data/vdem.csv \
  --data examples/data/mass-killing-history.csv \
  --events examples/data/mass-killing-onsets.csv --alpha 0.5 --cv 5 \
  -o "$new"
mv "$new" "$fw"
echo "refitted $fw"
