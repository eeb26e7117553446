#!/usr/bin/env bash
# tests/headers/check_headers.sh CC SOURCE_DIR XML_INCLUDES
# Compiles each include/fse/*.h alone with -std=c11 -pedantic -Werror, and
# fails when a file under lib/<module>/ includes another module's _int.h.
set -u
cc=$1
root=$2
xml_includes=$3
failed=0
passed=0
for h in "$root"/include/fse/*.h; do
    if printf '#include "fse/%s"\ntypedef int fse_header_check;\n' "$(basename "$h")" |
        "$cc" -std=c11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I "$root/include" \
            -I "$xml_includes" -x c - 2>/tmp/fse_header_err.$$; then
        passed=$((passed + 1))
    else
        echo "FAIL $(basename "$h"):"
        cat /tmp/fse_header_err.$$
        failed=$((failed + 1))
    fi
done
rm -f /tmp/fse_header_err.$$
for dir in "$root"/lib/*/; do
    module=$(basename "$dir")
    for f in "$dir"*.c "$dir"*.h; do
        [ -e "$f" ] || continue
        while read -r inc; do
            other=$(dirname "$inc")
            base=$(basename "$inc" .h)
            if [ "$other" != "." ] && [ "$other" != "$module" ]; then
                echo "FAIL $f includes $inc (another module's internal header)"
                failed=$((failed + 1))
            elif [ "$other" = "." ] && [ "${base%_int}" != "$module" ] && [ "$base" != "${module}_int" ] &&
                [ ! -e "$dir$inc" ]; then
                echo "FAIL $f includes $inc, which is not in lib/$module/"
                failed=$((failed + 1))
            fi
        done < <(grep -ho '#include "[^"]*_int\.h"' "$f" | sed 's/#include "\(.*\)"/\1/')
    done
done
echo "headers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
