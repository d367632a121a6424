#!/usr/bin/env bash
# Scale measurement for issue 14: generates HubSpot-shaped contacts CSVs,
# drafts their mapping with init, and runs the offline dry run under
# /usr/bin/time -v beside miller's CSV-to-JSON Lines cat of the same file,
# printing wall time and peak RSS of each.
#
#   .ci/bench-scale.sh                # 100k and 1M rows, 3 runs each
#   ROWS="100000" RUNS=5 .ci/bench-scale.sh
#   DIR=/tmp/scale .ci/bench-scale.sh # where the files go (kept between runs)
#   BIN=/path/to/capsule-etl .ci/bench-scale.sh  # measure a binary built elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-"100000 1000000"}
RUNS=${RUNS:-3}
DIR=${DIR:-${TMPDIR:-/tmp}/capsule-etl-scale}
BUILD=${BIN:+no}
BIN=${BIN:-$DIR/capsule-etl}
mkdir -p "$DIR"

if [ ! -x /usr/bin/time ]; then
	echo "bench-scale: /usr/bin/time is needed (Debian package 'time')" >&2
	exit 1
fi
MLR=$(command -v mlr || true)
if [ -z "$MLR" ]; then
	echo "bench-scale: miller not found; trying apt-get install -y miller" >&2
	if apt-get install -y miller >/dev/null 2>&1 || sudo -n apt-get install -y miller >/dev/null 2>&1; then
		MLR=$(command -v mlr || true)
	fi
	[ -n "$MLR" ] || echo "bench-scale: miller not installable here; skipping the miller column" >&2
fi

if [ -z "$BUILD" ]; then
	echo "building $BIN" >&2
	CGO_ENABLED=0 go build -trimpath -o "$BIN" ./cmd/capsule-etl
fi
go build -o "$DIR/scalecsv" ./samples/internal/scalecsv

# measure LABEL CMD...: one run under /usr/bin/time -v; prints "wall_s rss_mib".
measure() {
	local log=$DIR/time.log
	if ! /usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$DIR/stderr.log"; then
		echo "bench-scale: command failed: $*" >&2
		tail -5 "$DIR/stderr.log" >&2
		return 1
	fi
	awk -F': ' '
		/Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
		/Maximum resident set size/ { r = $2 / 1024 }
		END { printf "%.2f %.0f\n", w, r }' "$log"
}

# stats: reads "wall rss" lines, prints min/median of each.
stats() {
	local in w r n
	in=$(cat)
	w=$(printf '%s\n' "$in" | awk 'NF { print $1 }' | sort -n)
	r=$(printf '%s\n' "$in" | awk 'NF { print $2 }' | sort -n)
	n=$(printf '%s\n' "$w" | wc -l)
	printf 'wall min %s s  median %s s | peak RSS min %s MiB  median %s MiB (%d runs)\n' \
		"$(printf '%s\n' "$w" | head -1)" "$(printf '%s\n' "$w" | sed -n "$(((n + 1) / 2))p")" \
		"$(printf '%s\n' "$r" | head -1)" "$(printf '%s\n' "$r" | sed -n "$(((n + 1) / 2))p")" "$n"
}

echo
printf '%-12s %9s  %s\n' tool rows figures
for n in $ROWS; do
	csv=$DIR/contacts-$n.csv
	[ -s "$csv" ] || "$DIR/scalecsv" -rows "$n" -o "$csv"
	yaml=$DIR/contacts-$n.yaml
	"$BIN" init "$csv" -o "$yaml" --force 2>/dev/null
	rm -f "$DIR"/contacts-"$n".csv.capsule-etl.db*
	res=""
	for _ in $(seq "$RUNS"); do
		res+=$(measure "$BIN" import --mapping "$yaml" --dry-run --offline --plan /dev/null \
			--journal "$DIR/journal-$n.db" "$csv")$'\n'
		rm -f "$DIR"/journal-"$n".db*
	done
	printf '%-12s %9s  %s\n' capsule-etl "$n" "$(printf '%s' "$res" | stats)"
	if [ -n "$MLR" ]; then
		res=""
		for _ in $(seq "$RUNS"); do
			res+=$(measure "$MLR" --icsv --ojsonl cat "$csv")$'\n'
		done
		printf '%-12s %9s  %s\n' mlr "$n" "$(printf '%s' "$res" | stats)"
	fi
done
