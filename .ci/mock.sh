# Sourced by .ci/run and .ci/fuzz.sh.
# start_mock LOG [BINARY]: starts BINARY (the built target/debug/webhooks-mock
# by default) on a free loopback port, its output in LOG; sets mock_pid and
# mock_url (fails, killing it, if it does not print its address within 10 s).
start_mock() {
  "${2:-target/debug/webhooks-mock}" --addr 127.0.0.1:0 >"$1" 2>&1 &
  mock_pid=$!
  mock_url=
  for _ in $(seq 1 100); do
    mock_url=$(head -n 1 "$1" | grep -o 'http://[0-9.:]*' || true)
    [ -n "$mock_url" ] && return 0
    sleep 0.1
  done
  kill "$mock_pid" 2>/dev/null || true
  echo "the mock did not start:" >&2
  cat "$1" >&2
  return 1
}
