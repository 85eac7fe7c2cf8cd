# fish completion for conti-rootless: commands, each command's options and their
# values, and container names, read from the directory where containers live.

set -l commands run create start exec ps list inspect logs stop kill rm unshare check

# Your containers' names.
function __conti_rootless_names
    set -l data $XDG_DATA_HOME
    string match -q -- '/*' "$data"; or set data $HOME/.local/share
    for dir in $data/conti-rootless/containers/*/
        string replace -r '.*/([^/]+)/$' '$1' -- $dir
    end
end

# The operands typed after the command (options and their values left out).
function __conti_rootless_operands
    set -l valued -e --env --env-file -w --workdir -u --user --hostname -v --volume --tmpfs \
        --uidmap --overlay --net --network --cap-add --cap-drop --security-opt --name \
        --log-size-max --userns --format -s --signal
    set -l cmd
    set -l ops
    set -l skip 0
    for tok in (commandline -opc)[2..-1]
        if test $skip -eq 1
            set skip 0
        else if test -z "$cmd"
            string match -q -- '-*' $tok; or set cmd $tok
        else if test (count $ops) -eq 0; and string match -q -- '-*' $tok
            # options end at the first operand; -t takes a value for stop only
            if contains -- $tok $valued; or test "$cmd $tok" = "stop -t"
                set skip 1
            end
        else
            set -a ops $tok
        end
    end
    string join \n -- $ops
end

# True when the command is one of $argv and no operand was typed yet.
function __conti_rootless_first_operand
    __fish_seen_subcommand_from $argv; or return 1
    test (count (__conti_rootless_operands)) -eq 0
end

complete -c conti-rootless -f

# Global options and commands.
complete -c conti-rootless -n __fish_use_subcommand -l trace -d 'Print each kernel step as a shell command'
complete -c conti-rootless -n __fish_use_subcommand -s h -l help -d 'Show the commands'
complete -c conti-rootless -n __fish_use_subcommand -l version -d 'Show the version'
complete -c conti-rootless -n __fish_use_subcommand -a run -d 'Run a command in a new container'
complete -c conti-rootless -n __fish_use_subcommand -a create -d 'Set a container up without starting it'
complete -c conti-rootless -n __fish_use_subcommand -a start -d 'Start a created or exited container'
complete -c conti-rootless -n __fish_use_subcommand -a exec -d 'Run a command in a running container'
complete -c conti-rootless -n __fish_use_subcommand -a ps -d 'List containers'
complete -c conti-rootless -n __fish_use_subcommand -a list -d 'List containers'
complete -c conti-rootless -n __fish_use_subcommand -a inspect -d "Print containers' details as JSON"
complete -c conti-rootless -n __fish_use_subcommand -a logs -d 'Print the output of a detached container'
complete -c conti-rootless -n __fish_use_subcommand -a stop -d 'Stop containers'
complete -c conti-rootless -n __fish_use_subcommand -a kill -d 'Send a signal to containers'
complete -c conti-rootless -n __fish_use_subcommand -a rm -d 'Remove containers and their layers'
complete -c conti-rootless -n __fish_use_subcommand -a unshare -d 'Run a command where the handles are'
complete -c conti-rootless -n __fish_use_subcommand -a check -d 'Check whether run works here'
complete -c conti-rootless -n "__fish_seen_subcommand_from $commands" -l help -d 'Show the options'

# run and create.
set -l rc '__fish_seen_subcommand_from run create'
complete -c conti-rootless -n '__fish_seen_subcommand_from run' -s d -l detach -d 'Run in the background'
complete -c conti-rootless -n $rc -l name -x -d 'Name of the container'
complete -c conti-rootless -n $rc -l rm -d 'Remove it when the command exits'
complete -c conti-rootless -n $rc -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c conti-rootless -n $rc -s i -l interactive -d 'Keep stdin open'
complete -c conti-rootless -n $rc -s e -l env -x -a '(set -n -x)' -d 'Set an environment variable'
complete -c conti-rootless -n $rc -l env-file -r -F -d 'Read KEY=VAL lines from a file'
complete -c conti-rootless -n $rc -s w -l workdir -x -d 'Working directory inside'
complete -c conti-rootless -n $rc -s u -l user -x -d 'UID[:GID] inside'
complete -c conti-rootless -n $rc -l hostname -x -d 'Hostname inside'
complete -c conti-rootless -n $rc -s v -l volume -r -F -d 'Bind-mount SRC:DST[:ro]'
complete -c conti-rootless -n $rc -l tmpfs -x -d 'Mount a tmpfs at a container path'
complete -c conti-rootless -n $rc -l read-only -d 'Make / read-only'
complete -c conti-rootless -n $rc -l uidmap -x -a 'auto subid single' -d 'Id mapping'
complete -c conti-rootless -n $rc -l userns -x -a 'host keep-id' -d 'User namespace: container root is you, or your own ids inside'
complete -c conti-rootless -n $rc -l overlay -x -a 'auto kernel fuse none' -d 'How ROOTFS is made writable'
complete -c conti-rootless -n $rc -l net -l network -x -a 'host none' -d Network
complete -c conti-rootless -n $rc -l cap-add -l cap-drop -x -d 'Add or drop a capability' -a 'ALL
AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE
DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE
MKNOD NET_ADMIN NET_BIND_SERVICE NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID
SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO
SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG WAKE_ALARM'
complete -c conti-rootless -n $rc -l privileged -d 'Keep every capability'
complete -c conti-rootless -n $rc -l security-opt -x -d 'Turn a security default off' \
    -a 'no-new-privileges=false no-new-privileges=true seccomp=unconfined landlock=unconfined'
complete -c conti-rootless -n $rc -l log-size-max -x -d 'Cap of a detached container\'s log'
complete -c conti-rootless -n '__conti_rootless_first_operand run create' -a '(__fish_complete_directories)'

# exec.
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s i -l interactive -d 'Keep stdin open'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s e -l env -x -a '(set -n -x)' -d 'Set an environment variable'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s w -l workdir -x -d 'Working directory'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s u -l user -x -d 'UID[:GID]'

# The other commands' options.
complete -c conti-rootless -n '__fish_seen_subcommand_from start' -s a -l attach -d 'Print its output, return its status'
complete -c conti-rootless -n '__fish_seen_subcommand_from ps list' -s a -l all -d 'Also exited containers'
complete -c conti-rootless -n '__fish_seen_subcommand_from ps list' -l format -x -a 'table json' -d 'Output format'
complete -c conti-rootless -n '__fish_seen_subcommand_from logs' -s f -l follow -d 'Keep printing until it exits'
complete -c conti-rootless -n '__fish_seen_subcommand_from stop' -s t -l time -x -d 'Grace period in seconds'
complete -c conti-rootless -n '__fish_seen_subcommand_from kill' -s s -l signal -x -d 'Signal to send' \
    -a 'HUP INT QUIT KILL USR1 USR2 TERM CONT STOP WINCH ALRM'
complete -c conti-rootless -n '__fish_seen_subcommand_from rm' -s f -l force -d 'Stop running ones first'
complete -c conti-rootless -n '__fish_seen_subcommand_from check' -l format -x -a json -d 'Output format'

# Container names: one for exec, start and logs, any number for the others.
complete -c conti-rootless -n '__conti_rootless_first_operand exec start logs' -a '(__conti_rootless_names)' -d Container
complete -c conti-rootless -n '__fish_seen_subcommand_from stop kill rm inspect' -a '(__conti_rootless_names)' -d Container

# unshare runs a command.
complete -c conti-rootless -n '__conti_rootless_first_operand unshare' -a '(__fish_complete_command)'
