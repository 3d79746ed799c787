#!/usr/bin/env bash
# Check the Source: the one entry point.
#
#   ./build.sh          install what is missing, build the engine to WebAssembly, and write
#                       dist/chrome/ and dist/firefox/ plus a store zip of each
#   ./build.sh test     build, then run every test: Rust (native and in headless Chromium),
#                       web-ext lint, the build-output and background tests, and the end-to-end
#                       suites in Chromium and Firefox
#   ./build.sh bench    build, then every benchmark: the engine (criterion, the command line,
#                       WebAssembly in V8) and the scripted feed in the browsers, on versus off;
#                       prints a table and writes dist/bench.json (see BENCHMARKS.md)
#   ./build.sh demo     build, then render the extension on the project's own demo feed (the
#                       TikTok fixture pages) in headless Chromium and write screenshots to
#                       dist/demo/: feed.png, panel.png, popup.png, options.png
#                       (`./build.sh demo --docs` also copies them into docs/ for the README)
#
# Installs are skipped when the tool is already there at the right version, so a warm machine
# rebuilds in seconds. Measured recipe and timings: ../shared/notes/toolchain.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
export DEBIAN_FRONTEND=noninteractive NO_UPDATE_NOTIFIER=1 SE_OFFLINE=true SE_AVOID_STATS=true

WASM_TARGET=wasm32-unknown-unknown
ENGINE_NAME=check_source
# CTS_DIST lets several checkouts or helpers build side by side (tests/e2e reads it too).
DIST=$(realpath -m "${CTS_DIST:-$ROOT/dist}")
BUILD_TMP=
trap '[ -z "$BUILD_TMP" ] || rm -rf "$BUILD_TMP"' EXIT

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen CLI must be exactly the crate's version, or the glue refuses the module.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen *= *"=\([0-9][0-9.]*\)".*/\1/p' crate/Cargo.toml | head -n1
}

extension_version() {
  node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync("manifest.json","utf8")).version)'
}

APT_UPDATED=
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  log "apt-get install ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_build_tools() {
  command -v cargo >/dev/null || die "Rust is not installed (https://rustup.rs)"
  command -v node >/dev/null && command -v npm >/dev/null || die "Node.js 20+ and npm are not installed"
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old: the pinned tools need 20 or newer"

  apt_install chromium chromium-driver firefox-esr openssl

  if ! rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    log "rustup target add $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  fi

  local want have
  want=$(wasm_bindgen_version)
  [ -n "$want" ] || die "crate/Cargo.toml must pin wasm-bindgen exactly (wasm-bindgen = \"=X.Y.Z\")"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
    log "cargo install wasm-bindgen-cli --version =$want (have: ${have:-none})"
    # No --locked: the registry mirror can lag one of the CLI's locked dependencies.
    cargo install wasm-bindgen-cli --version "=$want" --force
  fi

  # npm ci only when package-lock.json changed since the last install.
  local lock_hash
  lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat node_modules/.cts-lock-hash 2>/dev/null || true)" != "$lock_hash" ]; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" >node_modules/.cts-lock-hash
  fi
}

install_test_tools() {
  if [ ! -x "$HOME/.cargo/bin/geckodriver" ] && ! command -v geckodriver >/dev/null; then
    log "cargo install geckodriver"
    cargo install geckodriver
  fi
}

build() {
  install_build_tools

  log "cargo build (wasm32, profile wasm-release)"
  # Not stripped by rustc: wasm-bindgen reads the target_features section to know which Wasm
  # proposals the module uses; wasm-opt strips debug info and names afterwards.
  CARGO_PROFILE_WASM_RELEASE_STRIP=false \
    cargo build -p check-source --lib --target "$WASM_TARGET" --profile wasm-release
  local wasm="${CARGO_TARGET_DIR:-target}/$WASM_TARGET/wasm-release/$ENGINE_NAME.wasm"
  [ -f "$wasm" ] || die "cargo did not produce $wasm"

  local tmp
  tmp=$(mktemp -d)
  BUILD_TMP=$tmp
  log "wasm-bindgen --target web"
  wasm-bindgen --target web --no-typescript --out-dir "$tmp" "$wasm"
  log "wasm-opt -Oz"
  # rustc's wasm32 target enables these proposals by default; wasm-opt must accept them.
  wasm-opt -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$tmp/${ENGINE_NAME}_bg.wasm" -o "$tmp/${ENGINE_NAME}_bg.opt.wasm"
  mv "$tmp/${ENGINE_NAME}_bg.opt.wasm" "$tmp/${ENGINE_NAME}_bg.wasm"

  local version browser out
  version=$(extension_version)
  mkdir -p "$DIST"
  for browser in chrome firefox; do
    out="$DIST/$browser"
    log "assemble dist/$browser"
    rm -rf "$out"
    mkdir -p "$out/engine"
    cp -R extension/. "$out/"
    # Notes for developers stay in the repository, not in the package.
    find "$out" -name '*.md' -delete
    cp "$tmp/$ENGINE_NAME.js" "$tmp/${ENGINE_NAME}_bg.wasm" "$out/engine/"
    node scripts/manifest.mjs "$browser" "$out" "$out/manifest.json"
    web-ext build --no-config-discovery --source-dir "$out" --artifacts-dir "$DIST" \
      --filename "check-the-source-$browser-$version.zip" --overwrite-dest >/dev/null
    echo "dist/check-the-source-$browser-$version.zip"
  done

  local raw gz
  raw=$(wc -c <"$DIST/chrome/engine/${ENGINE_NAME}_bg.wasm")
  gz=$(gzip -9 -c "$DIST/chrome/engine/${ENGINE_NAME}_bg.wasm" | wc -c)
  printf 'engine: %s bytes .wasm, %s bytes gzip (%s KiB)\n' "$raw" "$gz" "$((gz / 1024))"
}

# Runs one named step of the test suite, remembering whether it failed, and goes on.
PASSED=()
FAILED=()
step() {
  local name=$1
  shift
  log "test: $name"
  if "$@"; then PASSED+=("$name"); else FAILED+=("$name"); fi
}

wasm_browser_tests() {
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver.json" \
    cargo test -p check-source --target "$WASM_TARGET" --test wasm
}

run_tests() {
  install_test_tools
  step "cargo fmt" cargo fmt --all --check
  step "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
  # The bindings and their browser tests; the engine's other tests are native-only (proptest).
  step "cargo clippy (wasm32)" cargo clippy -p check-source --target "$WASM_TARGET" --lib --test wasm -- -D warnings
  step "cargo test" cargo test --workspace
  step "wasm tests in headless Chromium" wasm_browser_tests
  step "web-ext lint" web-ext lint --no-config-discovery --source-dir "$DIST/firefox" --warnings-as-errors
  local unit=() dir
  for dir in tests/build tests/background tests/adapters tests/options; do
    if [ -d "$dir" ]; then unit+=("$dir/"); fi
  done
  step "build, background, content and options tests" node --test --test-reporter=spec "${unit[@]}"
  step "end-to-end (Chromium, Firefox)" node --test --test-reporter=spec tests/e2e/

  printf '\n'
  local name
  for name in "${PASSED[@]}"; do printf '  ok    %s\n' "$name"; done
  for name in "${FAILED[@]}"; do printf '  FAIL  %s\n' "$name"; done
  printf 'build.sh test: %d passed, %d failed\n' "${#PASSED[@]}" "${#FAILED[@]}"
  [ ${#FAILED[@]} -eq 0 ]
}

case "${1:-build}" in
  build) build ;;
  test)
    build
    run_tests
    ;;
  bench)
    build
    install_test_tools
    node bench/run.mjs
    ;;
  demo)
    build
    node scripts/demo.mjs "${@:2}"
    ;;
  -h | --help | help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1' (expected: ./build.sh, ./build.sh test, ./build.sh bench, ./build.sh demo)" ;;
esac
