#!/usr/bin/env bash
# The browser e2e test drives Debian's Chromium through playwright-core, which never
# downloads a browser of its own. Installs it when missing and we may (root with apt).
set -euo pipefail
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser test…" >&2
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
else
  echo "The browser test needs Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'." >&2
  exit 1
fi
