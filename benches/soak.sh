#!/usr/bin/env bash
# Soak test for unattended runs (issue 16): RUNS (default 50) `rdmatch run`s
# on data/sample into one --out, with random `kill -9`s, overlapping starts
# and, when root, runs into a small full tmpfs. Then checks that every
# visible run folder is complete (manifest hashes), that `latest` is the
# newest complete run, and that no staging folder remains. Exits non-zero on
# any violation. Not part of `cargo test` (it takes minutes).
#
# Usage (from the repository root, after a release build):
#   benches/soak.sh [path/to/rdmatch]      RUNS=50 SEED=16 to change
set -uo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/release/rdmatch}
runs=${RUNS:-50}
RANDOM=${SEED:-16}
work=$(mktemp -d /tmp/rdmatch-soak.XXXXXX)
out="$work/reports"
small="$work/full"
mounted=0
cleanup() {
    [ "$mounted" = 1 ] && umount "$small" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
if [ "$(id -u)" = 0 ] && mkdir -p "$small" && mount -t tmpfs -o size=1m tmpfs "$small" 2>/dev/null; then
    mounted=1
else
    echo "note: not root or tmpfs not mountable: full-disk runs skipped"
fi

n_normal=0 n_kill=0 n_overlap=0 n_full=0 n_busy=0 n_left=0 n_cleaned=0
full_example=""
problems=()
declare -A codes=()
note() { problems+=("$1"); echo "PROBLEM: $1"; }
count() { codes[$1]=$(( ${codes[$1]:-0} + 1 )); }
no_staging() {
    local left
    left=$(find "$1" -maxdepth 1 -name '.tmp-*' 2>/dev/null | wc -l)
    [ "$left" = 0 ] || note "$2: $left staging folder(s) left in $1"
}

for i in $(seq 1 "$runs"); do
    kind=$((RANDOM % 4))
    if [ "$kind" = 3 ] && [ "$mounted" = 0 ]; then kind=0; fi
    case $kind in
    0)  n_normal=$((n_normal + 1))
        before=$(find "$out" -maxdepth 1 -name '.tmp-*' 2>/dev/null | wc -l)
        "$bin" run --quiet --wait --out "$out" >/dev/null 2>"$work/err"
        c=$?; count "normal:$c"
        [ "$c" = 0 ] || note "run $i: normal run exited $c: $(head -c 300 "$work/err")"
        n_cleaned=$((n_cleaned + before))
        no_staging "$out" "run $i (after a normal run)"
        ;;
    1)  n_kill=$((n_kill + 1))
        "$bin" run --quiet --wait --out "$out" >/dev/null 2>&1 &
        pid=$!
        # 0–8 s: during loading, the stages, the writing and the commit
        # (a sample run takes 2–6 s here).
        sleep "$((RANDOM % 8)).$((RANDOM % 10))"
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        count "killed:$?"
        left=$(find "$out" -maxdepth 1 -name '.tmp-*' | wc -l)
        n_left=$((n_left + left))
        ;;
    2)  n_overlap=$((n_overlap + 1))
        "$bin" run --quiet --wait --out "$out" >/dev/null 2>"$work/err1" &
        p1=$!
        "$bin" run --quiet --wait --out "$out" >/dev/null 2>"$work/err2" &
        p2=$!
        # And one without --wait: it must either run or fail at once with 4.
        "$bin" run --quiet --out "$out" >/dev/null 2>"$work/err3"
        c3=$?
        wait "$p1"; c1=$?
        wait "$p2"; c2=$?
        count "overlap:$c1"; count "overlap:$c2"; count "overlap-nowait:$c3"
        [ "$c1" = 0 ] && [ "$c2" = 0 ] || note "run $i: overlapping --wait runs exited $c1 and $c2"
        if [ "$c3" = 5 ]; then
            n_busy=$((n_busy + 1))
            grep -q -- '--wait' "$work/err3" || note "run $i: busy message lacks --wait: $(cat "$work/err3")"
        elif [ "$c3" != 0 ]; then
            note "run $i: run without --wait exited $c3: $(head -c 300 "$work/err3")"
        fi
        ;;
    3)  n_full=$((n_full + 1))
        rm -rf "${small:?}"/* "$small"/.[!.]* 2>/dev/null
        # Fill part of the 1 MB so each run fails at a different file.
        head -c "$((RANDOM % 900))k" /dev/zero >"$small/filler" 2>/dev/null
        "$bin" run --quiet --out "$small/reports" >/dev/null 2>"$work/err"
        c=$?; count "full:$c"
        if [ "$c" = 0 ]; then
            note "run $i: a run into a full disk succeeded?"
        elif ! grep -q "$small/" "$work/err"; then
            note "run $i: full-disk error does not name the file: $(head -c 300 "$work/err")"
        elif [ -z "$full_example" ]; then
            full_example=$(head -c 300 "$work/err")
        fi
        [ -d "$small/reports" ] && no_staging "$small/reports" "run $i (full disk)"
        vis=$(find "$small/reports" -mindepth 1 -maxdepth 1 ! -name '.*' ! -name latest 2>/dev/null | wc -l)
        [ "$vis" = 0 ] || note "run $i: full-disk run left $vis visible folder(s)"
        ;;
    esac
done
# One last ordinary run: it removes what killed runs left.
"$bin" run --quiet --wait --out "$out" >/dev/null 2>"$work/err" || note "final run failed: $(cat "$work/err")"
no_staging "$out" "after the final run"

# Every visible run folder complete; latest = newest complete run.
python3 - "$out" <<'PY' || problems+=("manifest/latest check failed")
import hashlib, json, os, re, sys
out = sys.argv[1]
def key(n):
    m = re.fullmatch(r"(\d{8}T\d{6}Z)(?:-(\d+))?", n)
    return (m.group(1), int(m.group(2) or 1)) if m else None
bad = 0
runs = []
for n in sorted(os.listdir(out)):
    p = os.path.join(out, n)
    if n.startswith('.') or n == 'latest':
        continue
    runs.append(n)
    try:
        man = json.load(open(os.path.join(p, 'manifest.json')))
    except Exception as e:
        print(f"PROBLEM: {n}: no readable manifest.json ({e})"); bad += 1; continue
    for f in man['outputs']:
        h = hashlib.sha256(open(os.path.join(p, f['file']), 'rb').read()).hexdigest()
        if h != f['sha256']:
            print(f"PROBLEM: {n}/{f['file']}: hash differs from the manifest"); bad += 1
newest = max(runs, key=key)
latest = os.readlink(os.path.join(out, 'latest'))
if latest != newest:
    print(f"PROBLEM: latest -> {latest}, newest complete run is {newest}"); bad += 1
print(f"{len(runs)} visible run folders, all complete with matching hashes: {bad == 0}; latest -> {latest} (newest: {newest})")
sys.exit(1 if bad else 0)
PY

echo "runs: $runs planned (normal $n_normal, killed $n_kill, overlapping $n_overlap x3, full disk $n_full) + 1 final"
echo "overlaps where the run without --wait was refused (exit 5): $n_busy"
echo "staging folders left by kills: $n_left (removed by the next normal run: $n_cleaned; none left at the end)"
[ -n "$full_example" ] && echo "full-disk error, e.g.: $full_example"
printf 'exit codes:'; for k in $(printf '%s\n' "${!codes[@]}" | sort); do printf ' %s=%s' "$k" "${codes[$k]}"; done; echo
if [ ${#problems[@]} = 0 ]; then
    echo "soak: OK"
else
    echo "soak: ${#problems[@]} problem(s)"; exit 1
fi
