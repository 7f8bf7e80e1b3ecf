#!/bin/sh
# Install the Debian packages Casework needs, when they are missing. `make test` adds the test
# tools through EXTRA_DEBIAN_PACKAGES.
# As root it installs them; otherwise it names what to install and stops.
set -eu

PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-noto-cjk poppler-utils gettext"
# A bare Debian python3 has no venv module without this package.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    PACKAGES="$PACKAGES python3-venv"
fi
for extra in ${EXTRA_DEBIAN_PACKAGES:-}; do PACKAGES="$PACKAGES $extra"; done

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "Casework needs these Debian packages:$missing" >&2
    echo "Install them with: sudo apt-get install$missing" >&2
    exit 1
fi
echo "Installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
