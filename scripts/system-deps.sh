#!/usr/bin/env bash
# Installs the system packages casemgmt needs, when they are missing.
#   scripts/system-deps.sh run   -> Pango for WeasyPrint
#   scripts/system-deps.sh test  -> also Chromium and poppler-utils (browser and PDF tests)
# As root it uses apt-get; otherwise it says exactly what to install and stops.
set -euo pipefail
target="${1:-run}"

missing=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib "libpango-1.0.so.0" || missing+=(libpango-1.0-0)
have_lib "libpangoft2-1.0.so.0" || missing+=(libpangoft2-1.0-0)
have_lib "libharfbuzz-subset.so.0" || missing+=(libharfbuzz-subset0)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ "$target" = "test" ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi

cat >&2 <<MSG
casemgmt needs these system packages, which are not installed:
    ${missing[*]}
Install them and run the command again, for example on Debian or Ubuntu:
    sudo apt-get install -y --no-install-recommends ${missing[*]}
MSG
exit 1
