# bash completion for conti-rootless                                -*- shell-script -*-
#
# Completes the commands, each command's options and their values, and container
# names: those in the state the command needs (running for exec, stop and kill, stopped
# for start and rm), as `conti-rootless ps -a --filter status=... --format '{{.Names}}'`
# lists them; read from the directory where containers live when that fails. Image names
# come from the store's list of names (DATA/images/repositories). Needs only bash, not the
# bash-completion package.

_conti_rootless_commands='run create start exec ps list inspect logs stop kill rm unshare check
version help restart wait cp top port stats update container pull images image rmi tag import save
load commit system'

_conti_rootless_caps='ALL AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF
CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL
LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE MKNOD NET_ADMIN NET_BIND_SERVICE NET_BROADCAST
NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE
SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG WAKE_ALARM'

# The options of command $1: all of them, and those that take a value.
_conti_rootless_options()
{
	local run_args='-e --env --env-file -w --workdir -u --user -h --hostname -v --volume --tmpfs
		--uidmap --overlay --net --network --cap-add --cap-drop --security-opt --name
		--log-size-max --dns --dns-search --dns-option --dns-opt --add-host --userns
		--entrypoint --pull -p --publish -m --memory --memory-swap --memory-reservation
		--cpus -c --cpu-shares --cpu-weight --pids-limit --io-weight --blkio-weight
		--cgroups --ulimit --shm-size'
	case $1 in
	run | create)
		_cr_opts="--rm -t --tty -i --interactive --read-only --privileged --init=false --no-hosts -P --publish-all --trace --help $run_args"
		[[ $1 == run ]] && _cr_opts="-d --detach $_cr_opts"
		_cr_args=$run_args
		;;
	exec)
		_cr_opts='-d --detach -t --tty -i --interactive -e --env -w --workdir -u --user --trace --help'
		_cr_args='-e --env -w --workdir -u --user'
		;;
	start) _cr_opts='-a --attach --trace --help' _cr_args='' ;;
	ps | list)
		_cr_opts='-a --all -q --quiet -f --filter --no-trunc --format --help'
		_cr_args='-f --filter --format'
		;;
	logs)
		_cr_opts='-f --follow -n --tail --since -t --timestamps --help'
		_cr_args='-n --tail --since'
		;;
	stop) _cr_opts='-t --time --help' _cr_args='-t --time' ;;
	kill) _cr_opts='-s --signal --help' _cr_args='-s --signal' ;;
	rm) _cr_opts='-f --force -a --all --help' _cr_args='' ;;
	restart) _cr_opts='-t --time --help' _cr_args='-t --time' ;;
	cp) _cr_opts='-L --follow-link --help' _cr_args='' ;;
	stats) _cr_opts='--no-stream --format --help' _cr_args='--format' ;;
	update)
		_cr_args='-m --memory --memory-swap --memory-reservation --cpus -c --cpu-shares
			--cpu-weight --pids-limit --io-weight --blkio-weight'
		_cr_opts="$_cr_args --help"
		;;
	container) _cr_opts='-f --force --help' _cr_args='' ;;
	check) _cr_opts='--format --help' _cr_args='--format' ;;
	pull) _cr_opts='-q --quiet --help' _cr_args='' ;;
	images)
		_cr_opts='-a --all -q --quiet --no-trunc --digests --format --help'
		_cr_args='--format'
		;;
	rmi) _cr_opts='-f --force --help' _cr_args='' ;;
	save) _cr_opts='-o --output --format --help' _cr_args='-o --output --format' ;;
	load) _cr_opts='-i --input -q --quiet --help' _cr_args='-i --input' ;;
	import) _cr_opts='-c --change -m --message --help' _cr_args='-c --change -m --message' ;;
	commit)
		_cr_opts='-c --change -m --message -a --author -p --pause --help'
		_cr_args='-c --change -m --message -a --author'
		;;
	*) _cr_opts='--help' _cr_args='' ;;
	esac
}

# Appends what compgen "$@" prints to COMPREPLY, one word per line (spaces kept).
_conti_rootless_add()
{
	local line
	while IFS= read -r line; do
		COMPREPLY+=("$line")
	done < <(compgen "$@")
}

# True when word $1 is an option of the current command that takes a value.
_conti_rootless_takes_value()
{
	local w=$1
	[[ $w == --*=* ]] && return 1
	# a cluster of short options (-it, -ite): its last letter decides
	[[ $w == -[!-]?* ]] && w=-${w: -1}
	[[ " ${_cr_args//[$'\n\t']/ } " == *" $w "* ]]
}

# Adds the names of your containers that match $1 and are in one of the states $2...
# (created, running, exited; none: any), as ps lists them (the program being completed,
# _cr_prog); from the directory where containers live when ps fails.
_conti_rootless_names()
{
	local cur=$1 data dir name names state
	local -a ps_args=(ps -a)
	shift
	for state in "$@"; do
		ps_args+=(--filter "status=$state")
	done
	if names=$("$_cr_prog" "${ps_args[@]}" --format '{{.Names}}' 2>/dev/null); then
		while IFS= read -r name; do
			[[ -n $name && $name == "$cur"* ]] && COMPREPLY+=("$name")
		done <<<"$names"
		return
	fi
	data=${XDG_DATA_HOME-}
	[[ $data == /* ]] || data=$HOME/.local/share
	for dir in "$data"/conti-rootless/containers/*/; do
		[[ -d $dir ]] || continue
		dir=${dir%/}
		name=${dir##*/}
		[[ $name == .* ]] && continue
		[[ $name == "$cur"* ]] && COMPREPLY+=("$name")
	done
}

# Adds the image names of the store (DATA/images/repositories, "NAME ID" lines) that match
# $1; a docker.io/library name also in the short form people type (debian:12).
_conti_rootless_images()
{
	local cur=$1 data name id
	data=${XDG_DATA_HOME-}
	[[ $data == /* ]] || data=$HOME/.local/share
	[[ -f $data/conti-rootless/images/repositories ]] || return
	while read -r name id; do
		[[ -n $name ]] || continue
		[[ $name == "$cur"* ]] && COMPREPLY+=("$name")
		name=${name#docker.io/library/}
		[[ $name != */* && $name == "$cur"* ]] && COMPREPLY+=("$name")
	done <"$data/conti-rootless/images/repositories"
}

_conti_rootless_files()
{
	compopt -o filenames 2>/dev/null
	_conti_rootless_add -f -- "$1"
}

# Adds the commands in rootfs $1 that match $2 (a path inside it, or a name on its PATH).
_conti_rootless_rootfs_commands()
{
	local d f
	if [[ $2 == /* ]]; then
		while IFS= read -r f; do
			COMPREPLY+=("${f#"$1"}")
		done < <(compgen -f -- "$1$2")
		return
	fi
	for d in "$1"/bin "$1"/usr/bin "$1"/sbin "$1"/usr/sbin; do
		[[ -d $d ]] || continue
		while IFS= read -r f; do
			COMPREPLY+=("$f")
		done < <(cd "$d" && compgen -f -- "$2")
	done
}

# Completes the value of option $1 (of command $2), the word being $3.
_conti_rootless_value()
{
	local words
	case $1 in
	--uidmap) words='auto subid single' ;;
	--userns) words='host keep-id' ;;
	--overlay) words='auto kernel fuse none' ;;
	--pull) words='missing always never' ;;
	--net | --network) words='host none private pasta slirp4netns slirp4netns:allow_host_loopback=true pasta:allow_host_loopback=true' ;;
	-n | --tail) words='all 10 100' ;;
	--format)
		case $2 in
		check) words='json' ;;
		save) words='docker-archive oci-archive' ;;
		*) words='table json' ;;
		esac
		;;
	-o | --output | -i | --input)
		_conti_rootless_files "$3"
		return
		;;
	-f | --filter)
		[[ $2 == ps || $2 == list ]] &&
			words='status=created status=running status=exited name= id='
		;;
	--cap-add | --cap-drop) words=$_conti_rootless_caps ;;
	--security-opt) words='no-new-privileges no-new-privileges=false nested=true seccomp=unconfined landlock=unconfined' ;;
	-s | --signal)
		words='HUP INT QUIT KILL USR1 USR2 TERM CONT STOP WINCH ALRM'
		;;
	-e | --env)
		_conti_rootless_add -e -- "$3"
		return
		;;
	--env-file | -v | --volume)
		_conti_rootless_files "$3"
		return
		;;
	esac
	[[ -n $words ]] && _conti_rootless_add -W "$words" -- "$3"
}

# Completes operand number $2 (from 1) of command $1, the word being $3; $4 is the
# first operand (the rootfs of run and create).
_conti_rootless_operand()
{
	case $1 in
	run | create)
		if (($2 == 1)); then
			compopt -o filenames 2>/dev/null
			_conti_rootless_add -d -- "$3"
			_conti_rootless_images "$3"
		elif (($2 == 2)) && [[ -d $4 ]]; then
			_conti_rootless_rootfs_commands "${4%/}" "$3"
		else
			_conti_rootless_files "$3"
		fi
		;;
	exec) (($2 == 1)) && _conti_rootless_names "$3" running ;;
	start) (($2 == 1)) && _conti_rootless_names "$3" created exited ;;
	logs) (($2 == 1)) && _conti_rootless_names "$3" ;;
	stop | kill | wait) _conti_rootless_names "$3" running ;;
	top) (($2 == 1)) && _conti_rootless_names "$3" running ;;
	port) (($2 == 1)) && _conti_rootless_names "$3" ;;
	stats) _conti_rootless_names "$3" running ;;
	update) (($2 == 1)) && _conti_rootless_names "$3" ;;
	restart) _conti_rootless_names "$3" ;;
	rm)
		# rm -f also removes running ones
		if [[ " ${COMP_WORDS[*]} " == *" -f "* || " ${COMP_WORDS[*]} " == *" --force "* ]]; then
			_conti_rootless_names "$3"
		else
			_conti_rootless_names "$3" created exited damaged
		fi
		;;
	inspect) _conti_rootless_names "$3" ;;
	help) (($2 == 1)) && _conti_rootless_add -W "$_conti_rootless_commands" -- "$3" ;;
	container) (($2 == 1)) && _conti_rootless_add -W 'prune' -- "$3" ;;
	rmi | save) _conti_rootless_images "$3" ;;
	tag | pull) (($2 == 1)) && _conti_rootless_images "$3" ;;
	import | load) (($2 == 1)) && _conti_rootless_files "$3" ;;
	commit) (($2 == 1)) && _conti_rootless_names "$3" ;;
	system) (($2 == 1)) && _conti_rootless_add -W 'df' -- "$3" ;;
	image)
		if (($2 == 1)); then
			_conti_rootless_add -W 'ls list inspect rm prune tag pull save import load history' -- "$3"
		elif [[ $4 == @(inspect|rm|tag|save|history) ]]; then
			_conti_rootless_images "$3"
		fi
		;;
	cp)
		# NAME: then a path inside is typed by hand; host paths complete as files
		_conti_rootless_files "$3"
		[[ $3 != */* ]] && _conti_rootless_names "$3" &&
			COMPREPLY=("${COMPREPLY[@]/%/:}") && compopt -o nospace 2>/dev/null
		;;
	unshare)
		if (($2 == 1)); then
			_conti_rootless_add -c -- "$3"
		else
			_conti_rootless_files "$3"
		fi
		;;
	esac
}

_conti_rootless()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' first='' w
	local -i i cmd_i=0 n=0 after_value=0 ended=0
	local _cr_opts _cr_args _cr_prog=${COMP_WORDS[0]/#\~/$HOME}
	[[ -n $_cr_prog ]] || _cr_prog=conti-rootless
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()

	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -* ]] && continue
		cmd=${COMP_WORDS[i]} cmd_i=$i
		break
	done
	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			_conti_rootless_add -W '--trace --help --version' -- "$cur"
		else
			_conti_rootless_add -W "$_conti_rootless_commands" -- "$cur"
		fi
		return 0
	fi
	_conti_rootless_options "$cmd"

	# --opt=value: bash may split it into "--opt" "=" "value"
	if [[ $cur == = ]] && _conti_rootless_takes_value "$prev"; then
		_conti_rootless_value "$prev" "$cmd" ''
		return 0
	fi
	if [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		_conti_rootless_value "${COMP_WORDS[COMP_CWORD - 2]}" "$cmd" "$cur"
		return 0
	fi
	if [[ $cur == --*=* ]]; then
		_conti_rootless_value "${cur%%=*}" "$cmd" "${cur#*=}"
		COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
		return 0
	fi

	# Count the operands before the word; options end at the first one (as getopt's "+").
	for ((i = cmd_i + 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((n == 0 && !ended)) && [[ $w == = ]]; then
			after_value=1 # "--opt" "=" "value"
		elif ((after_value)); then
			after_value=0
		elif ((n == 0 && !ended)) && [[ $w == -- ]]; then
			ended=1
		elif ((n == 0 && !ended)) && [[ $w == -* ]]; then
			_conti_rootless_takes_value "$w" && after_value=1
		else
			((n == 0)) && first=$w
			n+=1
		fi
	done
	if ((after_value)); then
		_conti_rootless_value "$prev" "$cmd" "$cur"
		return 0
	fi
	if ((n == 0 && !ended)) && [[ $cur == -* ]]; then
		_conti_rootless_add -W "$_cr_opts" -- "$cur"
		return 0
	fi
	_conti_rootless_operand "$cmd" $((n + 1)) "$cur" "$first"
	return 0
}

complete -F _conti_rootless conti-rootless
