#!/bin/sh
# Reference pipeline (XSD + schematron on Saxon-HE): compile if stale, then run.
# Usage: bench/reference/run.sh [RefValidator options] [FILE|DIR ...]   (--help for the options)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${FSE_REF_BUILD:-/tmp/fse-ref}
saxon=${FSE_SAXON_JAR:-/usr/share/java/Saxon-HE.jar}

missing=""
command -v java >/dev/null 2>&1 || missing="$missing java (apt-get install default-jre-headless)"
command -v javac >/dev/null 2>&1 || missing="$missing javac (apt-get install default-jdk-headless)"
[ -r "$saxon" ] || missing="$missing $saxon (apt-get install libsaxonhe-java)"
if [ -n "$missing" ]; then
    echo "bench/reference/run.sh: missing:$missing" >&2
    exit 127
fi

src="$here/RefValidator.java"
cls="$build/RefValidator.class"
stamp="$build/.saxon-jar"
if [ ! -f "$cls" ] || [ "$src" -nt "$cls" ] || [ "$saxon" -nt "$cls" ] \
   || [ "$(cat "$stamp" 2>/dev/null)" != "$saxon" ]; then
    mkdir -p "$build"
    rm -f "$build"/RefValidator*.class
    if ! javac -nowarn -encoding UTF-8 -cp "$saxon" -d "$build" "$src"; then
        echo "bench/reference/run.sh: javac failed" >&2
        exit 1
    fi
    printf '%s' "$saxon" > "$stamp"
fi

exec java ${FSE_REF_JAVA_OPTS:-} -Dfse.ref.compiler="$here/SchToXslt.xsl" \
    -cp "$build:$saxon" RefValidator "$@"
