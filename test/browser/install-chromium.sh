#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (playwright-core drives it; no browser
# download). Idempotent: does nothing when chromium is already on the PATH.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium
