#!/usr/bin/env bash
# scripts/bench.sh: extriage's throughput benchmark, side by side with a
# full-decode golang-evtx baseline (scripts/goevtx-baseline), in one run.
#
# Usage, from anywhere in the repository:
#
#   scripts/bench.sh [-j N] > results.md
#
# It builds extriage, the baseline, the generator (fixtures/bulk) and the
# report checker (scripts/benchcheck) once, then measures, for
#   (a) the shared public corpus (../shared/corpus/evtx beside the repository),
#   (b) a generated HighAvailability + Application log set of $BENCH_SIZE,
#   (c) two generated UTF-8 message-trace extended reports (a small and a
#       large one, to show that peak memory does not grow with the input),
# the wall seconds, MB/s, records/s and peak RSS of
#   extriage scan -f json              (prefilter on, the default)
#   extriage scan --no-prefilter -f json
#   goevtx-baseline                    (evtx inputs only)
# and checks that the prefilter changes no incident, that the generated set
# yields exactly the incidents planted in it, and that extriage counts every
# record the baseline decodes (explaining each file where the counts differ).
# Progress goes to standard error; a Markdown report (tables, checks and the
# targets of docs/performance.md) to standard output.
#
# Options:
#   -j N                 chunks decoded at once, for extriage and the baseline
#                        (default: all cores)
# Environment:
#   BENCH_SIZE=1GiB      size of the generated .evtx set (50MB for a smoke run)
#   BENCH_TRACE_ROWS="SMALL LARGE"
#                        rows of the two trace reports (default: the large one
#                        about as many bytes as BENCH_SIZE, the small a quarter)
#   BENCH_RUNS=1         runs of each measurement; the fastest is reported
#   BENCH_KEEP=1         keep the temporary folder (inputs, JSON reports, times)
#   BENCH_CORPUS=DIR     the corpus folder (default ../shared/corpus/evtx)
#
# Times are taken with GNU time (/usr/bin/time, else `time` on PATH) for the
# wall seconds and the peak RSS; without it the wall time comes from the
# shell and RSS is not measured (the report says so). Inputs are read once
# before they are measured, so every run reads from the page cache: the
# numbers are decoding speed, not disk speed.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

jobs=""
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=${2:?-j needs a number}; shift 2 ;;
	-j*) jobs=${1#-j}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
case $jobs in '' | *[!0-9]*) [ -z "$jobs" ] || { echo "bench.sh: -j wants a number" >&2; exit 2; } ;; esac

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
size=${BENCH_SIZE:-1GiB}
runs=${BENCH_RUNS:-1}
corpus=${BENCH_CORPUS:-../shared/corpus/evtx}
work=$(mktemp -d -t extriage-bench.XXXXXX)
cleanup() {
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench.sh: kept $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
say() { echo "bench.sh: $*" >&2; }

jflag=()
[ -z "$jobs" ] || jflag=(-j "$jobs")

# --- build ---------------------------------------------------------------
say "building into $work/bin"
mkdir -p "$work/bin"
go build -o "$work/bin/extriage" ./cmd/extriage
go build -o "$work/bin/goevtx-baseline" ./scripts/goevtx-baseline
go build -o "$work/bin/bulk" ./fixtures/bulk
go build -o "$work/bin/benchcheck" ./scripts/benchcheck
ex=$work/bin/extriage
base=$work/bin/goevtx-baseline
check=$work/bin/benchcheck

# --- the timer -------------------------------------------------------------
timer=()
if [ -x /usr/bin/time ] && /usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null; then
	timer=(/usr/bin/time)
	timer_note="GNU time (/usr/bin/time): wall seconds and peak RSS"
elif command time -f '%e %M' -o /dev/null true >/dev/null 2>&1; then
	timer=(command time)
	timer_note="GNU time (time on PATH): wall seconds and peak RSS"
else
	timer_note="no GNU time found (neither /usr/bin/time nor time on PATH): wall seconds from the shell, peak RSS not measured"
fi
say "$timer_note"

# measure NAME OUT CMD...: runs CMD (BENCH_RUNS times), its standard output
# into OUT, and sets WALL[NAME] and RSS[NAME] (kB) from the fastest run.
# extriage's exit codes 1 (incidents) and 3 (partial scan) are results, not
# failures.
declare -A WALL RSS
measure() {
	local name=$1 out=$2
	shift 2
	local best="" bestrss="" i rc wall rss
	for ((i = 1; i <= runs; i++)); do
		rc=0
		if [ ${#timer[@]} -gt 0 ]; then
			"${timer[@]}" -f '%e %M' -o "$work/time" "$@" >"$out.tmp" 2>"$work/stderr" || rc=$?
			read -r wall rss < <(tail -n 1 "$work/time")
		else
			local t0 t1
			t0=$(date +%s.%N)
			"$@" >"$out.tmp" 2>"$work/stderr" || rc=$?
			t1=$(date +%s.%N)
			wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
			rss=""
		fi
		if [ "$rc" != 0 ] && [ "$rc" != 1 ] && [ "$rc" != 3 ]; then
			say "$name failed (exit $rc):"
			cat "$work/stderr" >&2
			exit 1
		fi
		if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit ((a < b) ? 0 : 1) }'; then
			best=$wall
			bestrss=$rss
			mv "$out.tmp" "$out"
			cp "$work/stderr" "$out.stderr"
		fi
	done
	rm -f "$out.tmp"
	WALL[$name]=$best
	RSS[$name]=$bestrss
	say "$name: ${best}s${bestrss:+, peak RSS ${bestrss} kB}"
}

# warm DIR: read every file once, so that each measured run reads from the
# page cache.
warm() { find "$1" -type f -exec cat {} + >/dev/null; }

# Table rows are collected here, then printed with the rest of the report.
rows=()
# row INPUT TOOL NAME BYTES RECORDS
row() {
	local input=$1 tool=$2 name=$3 bytes=$4 records=$5
	rows+=("$(awk -v input="$input" -v tool="$tool" -v wall="${WALL[$name]}" -v rss="${RSS[$name]}" \
		-v bytes="$bytes" -v records="$records" 'BEGIN {
			mbs = (wall > 0 ? bytes / 1e6 / wall : 0)
			rps = (wall > 0 ? records / wall : 0)
			r = (rss == "" ? "n/a" : sprintf("%.0f", rss * 1024 / 1e6))
			printf "| %s | %s | %.2f | %.0f | %.0f | %s | %d |", input, tool, wall, mbs, rps, r, records
		}')")
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
checks=()
targets=()
target() { # target TEXT PASS(0/1)
	if [ "$2" = 1 ]; then targets+=("- [x] $1"); else targets+=("- [ ] $1 (**not met**)"); fi
}

# evtx_set LABEL DIR: the three runs over one evtx input and their checks.
# Sets SPEEDUP, EXMBS, EXRSS (kB), SAME (1 if the incidents are identical),
# EXREC, GBREC and EXBYTES.
evtx_set() {
	local label=$1 dir=$2 key=$3
	warm "$dir"
	measure "$key-ex" "$work/$key-ex.json" "$ex" scan "${jflag[@]}" -f json "$dir"
	measure "$key-nopf" "$work/$key-nopf.json" "$ex" scan "${jflag[@]}" --no-prefilter -f json "$dir"
	measure "$key-base" "$work/$key-base.json" "$base" "${jflag[@]}" -v "$dir"
	mv "$work/$key-base.json.stderr" "$work/$key-base.jsonl"

	local inputs records lost bytes errors incidents
	eval "$("$check" summary "$work/$key-ex.json")"
	local exrec=$records exbytes=$bytes exerrors=$errors exinputs=$inputs exlost=$lost
	eval "$("$check" summary "$work/$key-nopf.json")"
	local nprec=$records
	local files files_failed chunks_failed record_errors # set by the eval below
	eval "$("$check" baseline "$work/$key-base.json")"
	local gbrec=$records
	: "$files" "$incidents"

	local desc
	desc="$label: $exinputs files, $(mb "$exbytes") MB"
	row "$desc" "extriage scan -f json" "$key-ex" "$exbytes" "$exrec"
	row "" "extriage scan --no-prefilter -f json" "$key-nopf" "$exbytes" "$nprec"
	row "" "golang-evtx baseline (full decode)" "$key-base" "$exbytes" "$gbrec"

	SPEEDUP=$(ratio "${WALL[$key-base]}" "${WALL[$key-ex]}")
	local speednp
	speednp=$(ratio "${WALL[$key-base]}" "${WALL[$key-nopf]}")
	checks+=("" "**$label**" "")
	checks+=("- speed-up over the golang-evtx baseline: **${SPEEDUP}x** with the prefilter, ${speednp}x with --no-prefilter")
	local same
	same=$("$check" incidents "$work/$key-ex.json" "$work/$key-nopf.json") && SAME=1 || SAME=0
	checks+=("- incidents, prefilter vs --no-prefilter: $same")
	if [ "$exrec" != "$nprec" ]; then
		checks+=("- records counted: $exrec with the prefilter, $nprec without (**they differ**)")
	fi
	checks+=("- damage reported by extriage: $exerrors problems, $exlost records known lost")
	checks+=("- $("$check" records "$work/$key-ex.json" "$work/$key-base.jsonl" | sed -n 1p)")
	while IFS= read -r l; do checks+=("  - ${l#  }"); done < <("$check" records "$work/$key-ex.json" "$work/$key-base.jsonl" | sed 1d)
	[ "$files_failed$chunks_failed$record_errors" = 000 ] ||
		checks+=("- the baseline: files refused $files_failed, chunks stopped by an error $chunks_failed, records it could not decode $record_errors")
	EXMBS=$(awk -v b="$exbytes" -v w="${WALL[$key-ex]}" 'BEGIN { printf "%.0f", (w > 0 ? b / 1e6 / w : 0) }')
	EXRSS=${RSS[$key-ex]}
	EXREC=$exrec
	GBREC=$gbrec
	EXBYTES=$exbytes
}

# --- (a) the corpus --------------------------------------------------------
if [ -d "$corpus" ]; then
	say "corpus: $corpus"
	evtx_set "shared corpus" "$corpus" corpus
	enough=$([ "$EXREC" -ge "$GBREC" ] && echo 1 || echo 0)
	fast=$(awk -v s="$SPEEDUP" 'BEGIN { print ((s + 0 >= 3) ? 1 : 0) }')
	target "shared corpus: at least 3x faster than the golang-evtx baseline: ${SPEEDUP}x" "$fast"
	target "shared corpus: every readable record counted: extriage $EXREC, baseline $GBREC" "$enough"
else
	say "no corpus at $corpus: skipped (set BENCH_CORPUS)"
	checks+=("" "**shared corpus**: not found at $corpus, skipped")
fi

# --- (b) the generated evtx set --------------------------------------------
say "generating $size of .evtx into $work/gen"
gen_t0=$(date +%s.%N)
"$work/bin/bulk" -out "$work/gen" -size "$size" -json >"$work/gen.json"
gen_s=$(awk -v a="$gen_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
say "generated in ${gen_s}s"
evtx_set "generated set" "$work/gen" gen
planted=$("$check" planted "$work/gen.json" "$work/gen-ex.json") && pl=1 || pl=0
checks+=("- planted incidents: $planted")
big=$(awk -v b="$EXBYTES" 'BEGIN { print ((b >= 1e9) ? 1 : 0) }')
note=""
[ "$big" = 1 ] || note=" (indicative only: the set is below 1 GB)"
target "generated set$note: at least 150 MB/s with the prefilter: $EXMBS MB/s" \
	"$(awk -v m="$EXMBS" 'BEGIN { print ((m >= 150) ? 1 : 0) }')"
if [ -n "$EXRSS" ]; then
	target "generated set$note: peak RSS under 200 MB: $(mb $((EXRSS * 1024))) MB" \
		"$(awk -v r="$EXRSS" 'BEGIN { print ((r * 1024 < 200e6) ? 1 : 0) }')"
fi
target "generated set: incidents identical to --no-prefilter, and the planted ones found" "$((SAME * pl))"
gen_evtx_bytes=$EXBYTES

# --- (c) the trace reports -------------------------------------------------
if [ -n "${BENCH_TRACE_ROWS:-}" ]; then
	read -r small large <<<"$BENCH_TRACE_ROWS"
else
	large=$((gen_evtx_bytes / 700))
	((large >= 4000)) || large=4000
	small=$((large / 4))
fi
trace_mbs=()
trace_rss=()
for n in "$small" "$large"; do
	dir=$work/trace-$n
	say "generating a trace report of $n rows"
	"$work/bin/bulk" -out "$dir" -size 0 -trace-rows "$n" -json >"$dir.json"
	warm "$dir"
	measure "trace-$n" "$work/trace-$n-ex.json" "$ex" scan "${jflag[@]}" -f json "$dir"
	eval "$("$check" summary "$work/trace-$n-ex.json")"
	row "trace CSV, UTF-8: $n rows, $(mb "$bytes") MB" "extriage scan -f json" "trace-$n" "$bytes" "$records"
	found=$("$check" planted "$dir.json" "$work/trace-$n-ex.json") || true
	checks+=("" "**trace CSV, $n rows**: $found")
	trace_mbs+=("$(awk -v b="$bytes" -v w="${WALL[trace-$n]}" 'BEGIN { printf "%.0f", (w > 0 ? b / 1e6 / w : 0) }')")
	trace_rss+=("${RSS[trace-$n]}")
done
target "trace CSV: at least 100 MB/s: ${trace_mbs[0]} MB/s ($small rows), ${trace_mbs[1]} MB/s ($large rows)" \
	"$(awk -v a="${trace_mbs[0]}" -v b="${trace_mbs[1]}" 'BEGIN { print ((a >= 100 && b >= 100) ? 1 : 0) }')"
if [ -n "${trace_rss[0]}" ]; then
	# Flat: 4x the rows may cost at most a quarter more memory (+10 MB).
	target "trace CSV: peak RSS flat: $(mb $((trace_rss[0] * 1024))) MB at $small rows, $(mb $((trace_rss[1] * 1024))) MB at $large rows" \
		"$(awk -v a="${trace_rss[0]}" -v b="${trace_rss[1]}" 'BEGIN { print ((b * 1024 <= a * 1024 * 1.25 + 10e6) ? 1 : 0) }')"
fi

# --- the report ------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
cat <<EOF
## Benchmark run $(date -u +%Y-%m-%dT%H:%MZ)

- machine: $(nproc) cores, ${cpu:-unknown CPU}, ${mem:-unknown memory}; $(go version | sed 's/^go version //')
- commit: $(git describe --always --dirty 2>/dev/null || echo unknown); jobs: ${jobs:-all cores}; runs per measurement: $runs (fastest reported)
- timer: $timer_note; inputs read once before they are measured (page cache warm)
- generated set: $size requested, written in ${gen_s}s by fixtures/bulk

| input | run | wall s | MB/s | records/s | peak RSS MB | records |
|---|---|--:|--:|--:|--:|--:|
EOF
printf '%s\n' "${rows[@]}"
echo
echo "MB is 10^6 bytes; records are evtx records, or trace data lines."
echo
echo "### Checks"
printf '%s\n' "${checks[@]}"
echo
echo "### Targets"
echo
printf '%s\n' "${targets[@]}"
