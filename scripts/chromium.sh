#!/usr/bin/env bash
# Make Debian's Chromium available for the browser tests (Playwright drives /usr/bin/chromium).
#
#   scripts/chromium.sh ensure   install Debian's chromium (as root) when /usr/bin/chromium is missing
#
# Playwright's own browser download is never used: nothing is fetched at test time.
set -euo pipefail

log() { echo "chromium.sh: $*" >&2; }

case "${1:-ensure}" in
  ensure)
    if [ -x /usr/bin/chromium ]; then exit 0; fi
    if [ "$(id -u)" != 0 ]; then
      log "/usr/bin/chromium is missing and we are not root: install Debian's 'chromium' package"
      exit 1
    fi
    log "installing Chromium from Debian"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
    ;;
  *) log "usage: $0 ensure"; exit 2 ;;
esac
