#!/bin/sh
# expect_exit.sh STATUS COMMAND...: runs COMMAND (its output goes to ctest,
# which matches it) and succeeds only when it exits with STATUS. ctest's
# WILL_FAIL would accept any failure; a bad board config must give exactly 2.
want=$1
shift
"$@"
got=$?
echo "exit status $got (expected $want)"
[ "$got" -eq "$want" ]
