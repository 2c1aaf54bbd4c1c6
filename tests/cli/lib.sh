# Shared helpers for command-line tests: each check is counted, and the test
# ends with "<name>: N passed, N failed".
passed=0
failed=0
check() {  # description, command...
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $what"
  else failed=$((failed + 1)); echo "FAILED: $what"; fi
}
check_fails() {  # description, expected-stderr-substring, command...
  local what=$1 expected=$2; shift 2
  local err
  if err=$("$@" 2>&1 >/dev/null); then
    failed=$((failed + 1)); echo "FAILED: $what (succeeded)"
  elif [[ "$err" != *"$expected"* ]]; then
    failed=$((failed + 1)); echo "FAILED: $what (message was: $err)"
  else
    passed=$((passed + 1)); echo "ok: $what"
  fi
}
finish() {
  echo "$(basename "$0" .sh): $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
