#!/usr/bin/env bash
# Installs the real servers the test suite runs against (Debian packages), only those missing.
# Called by `make test` (and so by .ci/run). Idempotent and quiet when everything is there.
# Without root (a developer's machine), it says what is missing; the tests needing it are skipped with a
# reason there, and never in CI (CI=true), where a missing server fails the run.
set -euo pipefail

need=()
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || need+=(postgresql)
command -v slapd >/dev/null 2>&1 || [[ -x /usr/sbin/slapd ]] || need+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || need+=(ldap-utils)
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # the LDAP TLS tests make their certificates
command -v chromium >/dev/null 2>&1 || need+=(chromium)  # the HTML report's browser test (headless)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
[[ -d /usr/share/fonts/truetype/liberation ]] || need+=(fonts-liberation)  # readable report screenshots

((${#need[@]})) || exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "install-system-deps: missing ${need[*]} (run as root to install; tests needing them will be skipped)" >&2
  exit 0
fi

echo "install-system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# policy-rc.d keeps the packages' own services from starting: the tests start their own, on loopback.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
