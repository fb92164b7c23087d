#!/usr/bin/env bash
# Fetches QuickFIX/J and its dependencies from Maven Central (cached in ~/.m2) into target/libs,
# for the interoperability test's initiator (TradeInitiator.java, run as a single source file).
# Prints the classpath.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
libs="$here/target/libs"
if [[ ! -f "$libs/.complete" ]]; then
  echo "fetch.sh: fetching QuickFIX/J with Maven" >&2
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  touch "$libs/.complete"
fi
echo "$libs/*"
