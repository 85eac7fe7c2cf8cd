#!/bin/bash
# test-bash-completion.sh COMPLETION_FILE - the bash completion of conti-rootless.
#
# Each case sources COMPLETION_FILE in a fresh `bash -c`, sets COMP_WORDS and
# COMP_CWORD as bash does for a command line, calls the function that
# `complete -p conti-rootless` names, and checks COMPREPLY. Container names come
# from a fake conti-rootless on PATH that answers `ps -a --filter status=S --format
# '{{.Names}}'` from a list of names and states (as the real one would), and from a fake
# XDG_DATA_HOME when there is no conti-rootless to ask. Exits 1 when a case fails.
set -u

file=${1:?usage: test-bash-completion.sh COMPLETION_FILE}
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in mybox web.1 made gone broken .hidden; do
	mkdir -p "$tmp/data/conti-rootless/containers/$name"
done
mkdir -p "$tmp/data/conti-rootless/images"
printf '%s\n' "docker.io/library/debian:12 $(printf 'a%.0s' {1..64})" \
	"127.0.0.1:5000/busybox:test $(printf 'b%.0s' {1..64})" \
	>"$tmp/data/conti-rootless/images/repositories"
mkdir -p "$tmp/rootfs/bin" "$tmp/rootfs/usr/bin"
touch "$tmp/rootfs/bin/busybox" "$tmp/rootfs/usr/bin/env"
failures=0

# The fake conti-rootless: `ps -a [--filter status=S]... --format {{.Names}}`, from
# $tmp/states ("NAME STATE" lines); anything else fails.
mkdir "$tmp/bin" "$tmp/nobin"
printf '%s\n' 'mybox running' 'web.1 running' 'made created' 'gone exited' 'broken damaged' \
	>"$tmp/states"
cat >"$tmp/bin/conti-rootless" <<FAKE
#!/bin/bash
[ "\$1 \$2" = "ps -a" ] || exit 125
shift 2
want=()
while [ \$# -gt 0 ]; do
	case \$1 in
	--filter) want+=("\${2#status=}") ;;
	--format) [ "\$2" = '{{.Names}}' ] || exit 125 ;;
	*) exit 125 ;;
	esac
	shift 2
done
while read -r name state; do
	[ \${#want[@]} -eq 0 ] && echo "\$name"
	for w in "\${want[@]}"; do
		[ "\$w" = "\$state" ] && echo "\$name"
	done
done <"$tmp/states"
exit 0
FAKE
chmod +x "$tmp/bin/conti-rootless"
path=$tmp/bin:$PATH

# complete WORD... : the completions of a command line whose last WORD is the one being
# completed ('' for a new word), one per line, sorted.
complete_words() {
	XDG_DATA_HOME="$tmp/data" PATH=$path bash --norc --noprofile -c '
		source "$1" || exit 2
		shift
		spec=$(complete -p conti-rootless) || exit 3
		fn=${spec#*-F }
		fn=${fn%% *}
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$fn" conti-rootless "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' bash "$file" "$@" | sort
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# offered yes|no "WORDS" WORD... : whether each WORD is offered for the command line WORDS
# (shell words; its last one is the word being completed).
offered() {
	local want=$1 words=$2 got w
	local -a line
	shift 2
	eval "line=($words)"
	got=$(complete_words "${line[@]}")
	for w in "$@"; do
		if grep -qxF -- "$w" <<<"$got"; then
			[ "$want" = yes ] || fail "'${line[*]}' offers '$w' (got: ${got//$'\n'/ })"
		else
			[ "$want" = no ] || fail "'${line[*]}' does not offer '$w' (got: ${got//$'\n'/ })"
		fi
	done
}

expect() { offered yes "$@"; }
refuse() { offered no "$@"; }

# The file registers a completion function for conti-rootless, and sourcing it prints nothing.
out=$(bash --norc --noprofile -c 'source "$1" && complete -p conti-rootless' bash "$file" 2>&1)
case $out in
"complete -F "*" conti-rootless") ;;
*) fail "sourcing $file does not register a completion function: $out" ;;
esac

# The commands.
expect "conti-rootless ''" run exec ps create start inspect logs stop kill rm unshare check
expect "conti-rootless e" exec
refuse "conti-rootless e" run ps
expect "conti-rootless --trace ''" run exec ps
expect "conti-rootless --t" --trace

# Container names, as ps lists them: only running ones for exec, stop and kill; only
# stopped ones (created, exited) for start and rm; all of them for logs, inspect, rm -f.
expect "conti-rootless exec ''" mybox web.1
refuse "conti-rootless exec ''" made gone broken .hidden
expect "conti-rootless exec my" mybox
refuse "conti-rootless exec my" web.1
expect "conti-rootless exec -it -e FOO=1 ''" mybox
expect "conti-rootless exec -u 1000 ''" mybox
refuse "conti-rootless exec -u ''" mybox
refuse "conti-rootless exec mybox ''" mybox
for cmd in stop kill; do
	expect "conti-rootless $cmd ''" mybox web.1
	refuse "conti-rootless $cmd ''" made gone broken
done
expect "conti-rootless start ''" made gone
refuse "conti-rootless start ''" mybox web.1 broken
expect "conti-rootless rm ''" made gone broken
refuse "conti-rootless rm ''" mybox web.1
expect "conti-rootless rm -f ''" mybox web.1 made gone broken
for cmd in logs inspect; do
	expect "conti-rootless $cmd ''" mybox web.1 made gone broken
done
expect "conti-rootless stop mybox ''" web.1
expect "conti-rootless kill -s TERM ''" mybox
expect "conti-rootless stop -t 3 ''" mybox
refuse "conti-rootless ps ''" mybox

# With no conti-rootless to ask (not on PATH): the names in XDG_DATA_HOME, hidden entries
# not.
path=$tmp/nobin:/usr/bin:/bin
[ -x /usr/bin/conti-rootless ] || {
	expect "conti-rootless exec ''" mybox web.1 made gone broken
	refuse "conti-rootless exec ''" .hidden
	expect "conti-rootless start my" mybox
}
path=$tmp/bin:$PATH

# Options, per command.
expect "conti-rootless run -" --detach --rm --name --overlay --uidmap --volume --security-opt
refuse "conti-rootless create -" --detach -d
expect "conti-rootless create --" --rm --overlay
expect "conti-rootless exec -" --tty --interactive --env --workdir --user
refuse "conti-rootless exec -" --rm
expect "conti-rootless ps -" -a --all --format -q --quiet --filter --no-trunc
expect "conti-rootless rm -" -f --force
expect "conti-rootless stop --" --time
expect "conti-rootless kill --" --signal
expect "conti-rootless logs -" --follow

# Option values.
expect "conti-rootless run --overlay ''" auto kernel fuse none
expect "conti-rootless run --uidmap s" subid single
expect "conti-rootless run --net ''" host none private pasta slirp4netns
expect "conti-rootless run --net sl" slirp4netns
expect "conti-rootless run --uidmap = ''" auto subid single
expect "conti-rootless run --uidmap = s" subid single
expect "conti-rootless run --cap-add NET_" NET_ADMIN NET_RAW NET_BIND_SERVICE
expect "conti-rootless run --security-opt ''" seccomp=unconfined no-new-privileges nested=true
expect "conti-rootless ps --format ''" table json
expect "conti-rootless ps --filter ''" status=running status=exited status=created name=
expect "conti-rootless ps -a -f status=r" status=running
expect "conti-rootless check --format ''" json
expect "conti-rootless kill -s ''" TERM KILL USR1
refuse "conti-rootless run --name ''" mybox

# The rootfs of run, then a command inside it.
expect "conti-rootless run '$tmp/ro'" "$tmp/rootfs"
expect "conti-rootless run --rm -v /a:/b '$tmp/ro'" "$tmp/rootfs"
expect "conti-rootless run '$tmp/rootfs' ''" busybox env
expect "conti-rootless run -it --overlay fuse '$tmp/rootfs' bu" busybox
expect "conti-rootless run '$tmp/rootfs' /usr/b" /usr/bin

# The image commands, and image names from the store's repositories file.
expect "conti-rootless ''" pull images image rmi tag import save load commit system
expect "conti-rootless run ''" debian:12 docker.io/library/debian:12 127.0.0.1:5000/busybox:test
expect "conti-rootless run deb" debian:12
refuse "conti-rootless run deb" 127.0.0.1:5000/busybox:test
expect "conti-rootless create --rm 127" 127.0.0.1:5000/busybox:test
expect "conti-rootless run debian:12 ''" # no rootfs to list commands of: nothing, no error
expect "conti-rootless rmi ''" debian:12 127.0.0.1:5000/busybox:test
expect "conti-rootless rmi -f debian:12 ''" 127.0.0.1:5000/busybox:test
expect "conti-rootless tag ''" debian:12
expect "conti-rootless save -o x.tar ''" debian:12
expect "conti-rootless image ''" ls inspect rm prune tag pull save import load history
expect "conti-rootless image inspect ''" debian:12
expect "conti-rootless system ''" df
expect "conti-rootless commit ''" mybox gone
expect "conti-rootless images -" --all --quiet --no-trunc --digests --format
expect "conti-rootless pull -" --quiet
expect "conti-rootless save --format ''" docker-archive oci-archive
expect "conti-rootless run -" --entrypoint --pull
expect "conti-rootless run --pull ''" missing always never
refuse "conti-rootless ps ''" debian:12
# published ports: -p takes a value (the rootfs comes after it), port NAME
expect "conti-rootless run -" -p --publish -P --publish-all
expect "conti-rootless create --pub" --publish --publish-all
expect "conti-rootless p" port ps pull
expect "conti-rootless port ''" mybox web.1 made gone broken
refuse "conti-rootless port mybox ''" web.1

# stats and update (#16): their commands, options, and the containers they take.
expect "conti-rootless st" start stop stats
expect "conti-rootless u" unshare update
expect "conti-rootless stats ''" mybox web.1
refuse "conti-rootless stats ''" made gone
expect "conti-rootless stats --" --no-stream --format
expect "conti-rootless update --" --memory --memory-swap --cpus --cpu-shares --pids-limit --io-weight
expect "conti-rootless update --pids-limit 10 ''" mybox made gone
refuse "conti-rootless update mybox ''" web.1

if [ "$failures" -ne 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "all bash completion cases pass"
