#!/bin/sh
# Run by busybox's shell natively and as an Ingot image (boot.shell_script): every command
# below forks, execs or pipes, and the output must be the same in both places.
echo "script with $# args: $*"
for i in 1 2 3; do echo "loop $i"; done
upper=$(echo subshell | tr a-z A-Z)
echo "command substitution: $upper"
echo "a b c" | wc -w
seq 1 100 | sort -rn | head -3
(exit 7); echo "subshell status $?"
sh -c 'exit 3'; echo "child shell status $?"
long=$(printf '%05000d' 0)
sh -c 'echo "a child got an argument of ${#1} bytes"' sh "$long$long"
dir=$(mktemp -d)
echo "written by a child" > "$dir/file.txt"
cat "$dir/file.txt"
printf '%s\n' c a b | sort > "$dir/sorted"; cat "$dir/sorted" | tr '\n' ' '; echo
ls "$dir" | wc -l
rm -r "$dir"
background() { sleep 0.1; echo "background job done"; }
background &
wait $!
echo "exit status of a pipeline: $(false | true; echo $?)"
exit 5
