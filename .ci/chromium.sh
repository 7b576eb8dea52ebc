# Sourced by .ci/run: Debian's Chromium, for the test that renders `ownership map`'s page headless
# (tests/exports/test_map.py). When it cannot be installed it says why; under CI=true that test then fails.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ci: installing Chromium for the map's rendering test"
    timeout 300 sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null' \
        || echo "ci: could not install Chromium" >&2
fi
