#!/usr/bin/env bash
# Fuzz the mock against each hand-written spec with schemathesis (all checks,
# all phases) and fail on any failure. Runs alone too:
#   bash .ci/fuzz.sh                       # seed 1, 25 examples per operation
#   SEED=7 EXAMPLES=100 bash .ci/fuzz.sh   # another seed, more examples
#   bash .ci/fuzz.sh commet meum           # some specs only
set -euo pipefail
cd "$(dirname "$0")/.."

SEED=${SEED:-1}
EXAMPLES=${EXAMPLES:-25}
# All the specs together must finish in this many seconds (a hard limit).
BUDGET=${BUDGET:-240}
SCHEMATHESIS_VERSION=4.32.5

cargo build -p webhooks-mock --locked --quiet
# One row per contract, from the mock's own list of them (`webhooks-mock
# contracts`): spec | base path on the mock | headers of a request it answers
# (a valid sample key; the Commet-Version that selects the contract, so the
# fuzzer does not generate one that picks the other) | any-key or keyed.
# A provider that takes any key (its docs give no key format) is run without
# `ignored_auth`: a bad key cannot be told from a good one.
mapfile -t specs < <(target/debug/webhooks-mock contracts | tr '\t' '|')
if [ $# -gt 0 ]; then
  wanted=("$@")
  selected=()
  for row in "${specs[@]}"; do
    for name in "${wanted[@]}"; do
      [ "${row%%|*}" = "$name" ] && selected+=("$row")
    done
  done
  specs=("${selected[@]}")
fi

venv=target/schemathesis-$SCHEMATHESIS_VERSION
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

mock_log=$(mktemp)
# Deliveries stay on loopback: the fuzzer's random URLs are never contacted.
source .ci/mock.sh
start_mock "$mock_log"
trap 'kill "$mock_pid" 2>/dev/null || true; rm -f "$mock_log"' EXIT

reports=target/fuzz
rm -rf "$reports"
mkdir -p "$reports"
deadline=$((SECONDS + BUDGET))
summary=()
failed=0
for row in "${specs[@]}"; do
  IFS='|' read -r name base auth keys <<<"$row"
  base=${base#/}
  exclude=
  [ "$keys" = any-key ] && exclude=ignored_auth
  remaining=$((deadline - SECONDS))
  if [ "$remaining" -le 0 ]; then
    echo "fuzz: out of time (${BUDGET}s) before $name" >&2
    exit 1
  fi
  args=(run "openapi/$name.yaml" --url "$mock_url/$base"
    --checks all --phases examples,coverage,fuzzing,stateful
    --seed "$SEED" --max-examples "$EXAMPLES"
    --request-timeout 10
    --report junit --report-junit-path "$reports/$name.xml")
  IFS=';' read -r -a headers <<<"$auth"
  for header in "${headers[@]}"; do args+=(-H "$header"); done
  [ -n "$exclude" ] && args+=(--exclude-checks "$exclude")
  printf '\n==> fuzz %s (seed %s, %s examples per operation)\n' "$name" "$SEED" "$EXAMPLES"
  status=0
  SCHEMATHESIS_TELEMETRY=false SCHEMATHESIS_HOOKS=.ci/fuzz_hooks.py timeout --kill-after=5 "$remaining" \
    "$venv/bin/schemathesis" --no-color --config-file .ci/schemathesis.toml "${args[@]}" >"$reports/$name.log" 2>&1 || status=$?
  log="$reports/$name.log"
  operations=$(sed -n 's/^  Tested: \([0-9]*\).*/\1/p' "$log" | head -n 1)
  cases=$(sed -n 's/^  \([0-9]*\) generated.*/\1/p' "$log" | head -n 1)
  failures=$(sed -n 's/.* found \([0-9]*\) unique failure.*/\1/p' "$log" | head -n 1)
  counts="${operations:-?} operations, ${cases:-?} cases, ${failures:-0} failures"
  summary+=("$(printf '%-10s %s' "$name" "$counts")")
  if [ "$status" -ne 0 ]; then
    failed=1
    [ "$status" -eq 124 ] && echo "fuzz: $name hit the time limit" >&2
    cat "$reports/$name.log"
  else
    tail -n 3 "$reports/$name.log"
  fi
done

printf '\n%s\n' "spec       operations, cases, failures (seed $SEED, $EXAMPLES examples per operation)"
printf '%s\n' "${summary[@]}"
exit "$failed"
