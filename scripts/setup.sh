# Shared set-up for scripts/run and scripts/test (sourced, not executed).
# Creates .venv, installs the project into it, and installs the Debian
# packages it is given through apt when running as root (otherwise prints the
# exact apt command and stops).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or newer is required (apt-get install python3)." >&2
  return 1
}

# ensure_apt PKG... : install missing Debian packages, or say how.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing system packages. Run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

# ensure_venv EXTRAS : create .venv and install the project (editable) once
# per version of pyproject.toml.
ensure_venv() {
  local extras="$1" python stamp want
  python="$(find_python)"
  if [ ! -x "$VENV/bin/python" ]; then
    "$python" -m venv "$VENV" || {
      ensure_apt python3-venv && rm -rf "$VENV" && "$python" -m venv "$VENV"; }
  fi
  stamp="$VENV/.installed"
  want="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)-$extras"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Python packages into .venv ..."
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$ROOT${extras:+[$extras]}"
    echo "$want" > "$stamp"
  fi
}

# ensure_postgres : a PostgreSQL server on 127.0.0.1:5432 with a role the tests
# can use to create throw-away databases. Exports FORMS_TEST_POSTGRES_URL.
# Needs root (to install and start the system cluster); otherwise the database
# tests that need PostgreSQL are skipped with a visible reason (never in CI).
ensure_postgres() {
  if [ -n "${FORMS_TEST_POSTGRES_URL:-}" ]; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "Not root: PostgreSQL tests will be skipped unless FORMS_TEST_POSTGRES_URL is set." >&2
    return 0
  fi
  ensure_apt postgresql
  local version
  version="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
    pg_lsclusters -h 2>/dev/null | grep -q . || pg_createcluster "$version" main >/dev/null
    pg_ctlcluster "$version" main start
  fi
  runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c \
    "DO \$\$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'thidua_test') THEN
         CREATE ROLE thidua_test LOGIN CREATEDB PASSWORD 'thidua_test';
       END IF;
     END \$\$;" >/dev/null
  export FORMS_TEST_POSTGRES_URL="postgresql+psycopg://thidua_test:thidua_test@127.0.0.1:5432/postgres"
}
