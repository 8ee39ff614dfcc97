#!/usr/bin/env bash
# Refreshes the GraphiQL playground's assets from their npm packages, so that the server can
# serve the playground from its own binary, with no CDN.
#
# Each package is fetched with `npm pack`, which checks the tarball against the registry's
# integrity hash; the files the page loads are copied out unchanged, with each package's
# licence, and MANIFEST (package, version, tarball integrity) and SHA256SUMS (of every copied
# file, `sha256sum -c SHA256SUMS` format) record what was taken. The server's tests compare
# the embedded files with SHA256SUMS.
#
# To move to other versions, change the list below, run this script and commit the result.
set -euo pipefail
cd "$(dirname "$0")"

# package@version, then the files to copy as "path-in-package:name-here".
packages=(
  "graphiql@4.1.2 dist/index.umd.js:graphiql.min.js dist/style.css:graphiql.min.css LICENSE:LICENSE.graphiql"
  "react@18.3.1 umd/react.production.min.js:react.production.min.js LICENSE:LICENSE.react"
  "react-dom@18.3.1 umd/react-dom.production.min.js:react-dom.production.min.js LICENSE:LICENSE.react-dom"
  "graphql-ws@6.4.2 umd/graphql-ws.min.js:graphql-ws.min.js LICENSE.md:LICENSE.graphql-ws"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

: >MANIFEST
for entry in "${packages[@]}"; do
  read -r spec files <<<"$entry"
  tarball=$(cd "$work" && npm pack --silent "$spec")
  integrity=$(npm view "$spec" dist.integrity)
  mkdir -p "$work/${spec%@*}"
  tar xzf "$work/$tarball" -C "$work/${spec%@*}"
  for pair in $files; do
    cp "$work/${spec%@*}/package/${pair%%:*}" "${pair#*:}"
  done
  printf '%s %s\n' "$spec" "$integrity" >>MANIFEST
done
sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js \
  graphql-ws.min.js LICENSE.graphiql LICENSE.react LICENSE.react-dom LICENSE.graphql-ws >SHA256SUMS
cat MANIFEST
