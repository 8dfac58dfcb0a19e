#!/usr/bin/env bash
# The package import graph of the compiled classes, one "importer imported" pair a line, packages
# named below io.isobench ("io.isobench" itself for the root package). With --top, subpackages are
# folded into their top-level package (env.docker -> env). Reads target/classes (build first:
# mvn -q compile). Used for docs/ARCHITECTURE.md; ArchitectureTest enforces the rules.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
top=0
[ "${1:-}" = "--top" ] && { top=1; shift; }
classes="${1:-$here/target/classes}"
jdeps="${JAVA_HOME:+$JAVA_HOME/bin/}jdeps"
"$jdeps" -verbose:package -filter:none "$classes" 2>/dev/null | awk -v top="$top" '
  $1 ~ /^io\.isobench/ && $2 == "->" && $3 ~ /^io\.isobench/ {
    f = $1; t = $3
    if (f != "io.isobench") sub(/^io\.isobench\./, "", f)
    if (t != "io.isobench") sub(/^io\.isobench\./, "", t)
    if (top) { sub(/\..*/, "", f); sub(/\..*/, "", t); if (f == "io") f = "io.isobench"; if (t == "io") t = "io.isobench" }
    if (f != t) print f, t
  }' | sort -u
