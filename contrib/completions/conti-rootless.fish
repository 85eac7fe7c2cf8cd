# fish completion for conti-rootless: commands, each command's options and their
# values, and container names: those in the state the command needs (running for exec,
# stop and kill, stopped for start and rm), as `conti-rootless ps -a --filter status=...
# --format '{{.Names}}'` lists them; read from the directory where containers live when
# that fails.

set -l commands run create start exec ps list inspect logs stop kill rm unshare check version help restart wait cp top port stats update container pull images image rmi tag import save load commit system

# Your containers' names, those in one of the states $argv (none: any).
function __conti_rootless_names
    set -l prog (commandline -opc)[1]
    set -l ps_args ps -a
    for state in $argv
        set -a ps_args --filter status=$state
    end
    if set -l names ($prog $ps_args --format '{{.Names}}' 2>/dev/null)
        string join \n -- $names
        return
    end
    set -l data $XDG_DATA_HOME
    string match -q -- '/*' "$data"; or set data $HOME/.local/share
    for dir in $data/conti-rootless/containers/*/
        string replace -r '.*/([^/]+)/$' '$1' -- $dir
    end
end

# The operands typed after the command (options and their values left out).
function __conti_rootless_operands
    set -l valued -m --memory --memory-swap --memory-reservation --cpus -c --cpu-shares \
        --cpu-weight --pids-limit --io-weight --blkio-weight -e --env --env-file -w --workdir -u --user --hostname -v --volume --tmpfs \
        --uidmap --overlay --net --network --cap-add --cap-drop --security-opt --name \
        --log-size-max --dns --dns-search --dns-option --dns-opt --add-host --userns --format -s --signal -p --publish \
        -m --memory --memory-swap --memory-reservation --cpus -c --cpu-shares --cpu-weight \
        --pids-limit --io-weight --blkio-weight --cgroups --ulimit --shm-size
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
complete -c conti-rootless -n __fish_use_subcommand -a logs -d 'Print the output of a container'
complete -c conti-rootless -n __fish_use_subcommand -a stop -d 'Stop containers'
complete -c conti-rootless -n __fish_use_subcommand -a kill -d 'Send a signal to containers'
complete -c conti-rootless -n __fish_use_subcommand -a rm -d 'Remove containers and their layers'
complete -c conti-rootless -n __fish_use_subcommand -a unshare -d 'Run a command where the handles are'
complete -c conti-rootless -n __fish_use_subcommand -a check -d 'Check whether run works here'
complete -c conti-rootless -n __fish_use_subcommand -a version -d 'Print the version, the build, the kernel'
complete -c conti-rootless -n __fish_use_subcommand -a help -d "Print the commands or a command's options"
complete -c conti-rootless -n __fish_use_subcommand -a restart -d 'Stop containers, then start them again'
complete -c conti-rootless -n __fish_use_subcommand -a wait -d 'Wait until containers exit, print their codes'
complete -c conti-rootless -n __fish_use_subcommand -a cp -d 'Copy files between the host and a container'
complete -c conti-rootless -n __fish_use_subcommand -a top -d 'List the processes of a container'
complete -c conti-rootless -n __fish_use_subcommand -a port -d 'List the ports a container publishes'
complete -c conti-rootless -n __fish_use_subcommand -a stats -d 'Show the resource use of running containers'
complete -c conti-rootless -n __fish_use_subcommand -a update -d 'Change the limits of a container'
complete -c conti-rootless -n __fish_use_subcommand -a pull -d 'Download an image into the store'
complete -c conti-rootless -n __fish_use_subcommand -a images -d 'List the images in the store'
complete -c conti-rootless -n __fish_use_subcommand -a image -d 'Manage images'
complete -c conti-rootless -n __fish_use_subcommand -a rmi -d 'Remove images'
complete -c conti-rootless -n __fish_use_subcommand -a tag -d 'Give an image another name'
complete -c conti-rootless -n __fish_use_subcommand -a import -d 'Make an image from a rootfs tarball or directory'
complete -c conti-rootless -n __fish_use_subcommand -a save -d 'Write an image to an archive'
complete -c conti-rootless -n __fish_use_subcommand -a load -d 'Read images from an archive'
complete -c conti-rootless -n __fish_use_subcommand -a commit -d "Make an image from a container's changes"
complete -c conti-rootless -n __fish_use_subcommand -a system -d 'system df: disk used by images and containers'
complete -c conti-rootless -n __fish_use_subcommand -a container -d 'container prune: remove stopped containers'
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
complete -c conti-rootless -n $rc -s h -l hostname -x -d 'Hostname inside'
complete -c conti-rootless -n '__fish_seen_subcommand_from run create start exec' -l trace -d 'Print each kernel step'
complete -c conti-rootless -n $rc -s v -l volume -r -F -d 'Bind-mount SRC:DST[:ro]'
complete -c conti-rootless -n $rc -l tmpfs -x -d 'Mount a tmpfs at a container path'
complete -c conti-rootless -n $rc -l read-only -d 'Make / read-only'
complete -c conti-rootless -n $rc -l uidmap -x -a 'auto subid single' -d 'Id mapping'
complete -c conti-rootless -n $rc -l userns -x -a 'host keep-id' -d 'User namespace: container root is you, or your own ids inside'
complete -c conti-rootless -n $rc -l overlay -x -a 'auto kernel fuse none' -d 'How ROOTFS is made writable'
complete -c conti-rootless -n $rc -l net -l network -x -a 'host none private pasta slirp4netns slirp4netns:allow_host_loopback=true pasta:allow_host_loopback=true' -d Network
complete -c conti-rootless -n $rc -s p -l publish -x -d 'Publish a port: [IP:][HOSTPORT:]CPORT[/tcp|/udp]'
complete -c conti-rootless -n $rc -s P -l publish-all -d 'Publish every port the image exposes'
complete -c conti-rootless -n $rc -l cap-add -l cap-drop -x -d 'Add or drop a capability' -a 'ALL
AUDIT_CONTROL AUDIT_READ AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN DAC_OVERRIDE
DAC_READ_SEARCH FOWNER FSETID IPC_LOCK IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN MAC_OVERRIDE
MKNOD NET_ADMIN NET_BIND_SERVICE NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID
SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE SYS_NICE SYS_PACCT SYS_PTRACE SYS_RAWIO
SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG WAKE_ALARM'
complete -c conti-rootless -n $rc -l privileged -d 'Keep every capability'
complete -c conti-rootless -n $rc -l security-opt -x -d 'Change a security default' \
    -a 'no-new-privileges no-new-privileges=false nested=true seccomp=unconfined landlock=unconfined'
complete -c conti-rootless -n $rc -l init -x -d 'PID 1: the init (true) or the command (false)' \
    -a 'true false'
complete -c conti-rootless -n $rc -l log-size-max -x -d 'Cap of a detached container\'s log'
complete -c conti-rootless -n $rc -l ulimit -x -d 'A resource limit: TYPE=SOFT[:HARD]' \
    -a 'nofile= nproc= core= stack= memlock= as= cpu= data= fsize= locks= msgqueue= nice= rss= rtprio= rttime= sigpending='
complete -c conti-rootless -n $rc -l shm-size -x -d 'Size of /dev/shm'
complete -c conti-rootless -n $rc -s m -l memory -x -d 'Memory limit'
complete -c conti-rootless -n $rc -l memory-swap -x -d 'Memory plus swap (-1: unlimited swap)'
complete -c conti-rootless -n $rc -l memory-reservation -x -d 'Memory kept from reclaim'
complete -c conti-rootless -n $rc -l cpus -x -d 'CPU time, in CPUs'
complete -c conti-rootless -n $rc -s c -l cpu-shares -x -d 'Relative CPU weight, v1 units'
complete -c conti-rootless -n $rc -l cpu-weight -x -d 'Relative CPU weight (1-10000)'
complete -c conti-rootless -n $rc -l pids-limit -x -d 'Processes at most (-1: unlimited)'
complete -c conti-rootless -n $rc -l io-weight -x -d 'Relative block I/O weight (1-10000)'
complete -c conti-rootless -n $rc -l blkio-weight -x -d 'Relative block I/O weight, v1 units'
complete -c conti-rootless -n $rc -l cgroups -x -d 'A cgroup of the container\'s own' -a 'enabled disabled'
complete -c conti-rootless -n $rc -l dns -x -d 'Nameserver of /etc/resolv.conf'
complete -c conti-rootless -n $rc -l dns-search -x -d 'Search domain of /etc/resolv.conf'
complete -c conti-rootless -n $rc -l dns-option -l dns-opt -x -d 'Option of /etc/resolv.conf'
complete -c conti-rootless -n $rc -l add-host -x -d 'A NAME:IP line of /etc/hosts'
complete -c conti-rootless -n $rc -l no-hosts -d 'Keep the rootfs\'s own /etc/hosts'
complete -c conti-rootless -n '__conti_rootless_first_operand run create' -a '(__fish_complete_directories)'

# exec.
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s d -l detach -d 'Return at once, the command runs on'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s t -l tty -d 'Allocate a pseudo-terminal'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s i -l interactive -d 'Keep stdin open'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s e -l env -x -a '(set -n -x)' -d 'Set an environment variable'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s w -l workdir -x -d 'Working directory'
complete -c conti-rootless -n '__fish_seen_subcommand_from exec' -s u -l user -x -d 'UID[:GID]'

# The other commands' options.
complete -c conti-rootless -n '__fish_seen_subcommand_from start' -s a -l attach -d 'Print its output, return its status'
complete -c conti-rootless -n '__fish_seen_subcommand_from ps list' -s a -l all -d 'Also created and exited containers'
complete -c conti-rootless -n '__fish_seen_subcommand_from ps list' -s q -l quiet -d 'Only the ids'
complete -c conti-rootless -n '__fish_seen_subcommand_from ps list' -s f -l filter -x -a 'status=created status=running status=exited name= id=' -d 'Only the containers that match'
complete -c conti-rootless -n '__fish_seen_subcommand_from ps list' -l no-trunc -d 'Full ids, cells never cut'
complete -c conti-rootless -n '__fish_seen_subcommand_from ps list' -l format -x -a 'table json' -d 'Output format'
complete -c conti-rootless -n '__fish_seen_subcommand_from logs' -s f -l follow -d 'Keep printing until it exits'
complete -c conti-rootless -n '__fish_seen_subcommand_from logs' -s n -l tail -x -a 'all 10 100' -d 'Only the last N lines'
complete -c conti-rootless -n '__fish_seen_subcommand_from logs' -l since -x -d 'Only lines since a time or a duration ago'
complete -c conti-rootless -n '__fish_seen_subcommand_from logs' -s t -l timestamps -d 'Begin each line with its time'
complete -c conti-rootless -n '__fish_seen_subcommand_from stop' -s t -l time -x -d 'Grace period in seconds'
complete -c conti-rootless -n '__fish_seen_subcommand_from kill' -s s -l signal -x -d 'Signal to send' \
    -a 'HUP INT QUIT KILL USR1 USR2 TERM CONT STOP WINCH ALRM'
complete -c conti-rootless -n '__fish_seen_subcommand_from rm' -s f -l force -d 'Stop running ones first'
complete -c conti-rootless -n '__fish_seen_subcommand_from rm' -s a -l all -d 'Every exited container'
complete -c conti-rootless -n '__fish_seen_subcommand_from restart' -s t -l time -x -d 'Grace period in seconds'
complete -c conti-rootless -n '__fish_seen_subcommand_from cp' -s L -l follow-link -d 'Follow a link given as SRC'
complete -c conti-rootless -n '__fish_seen_subcommand_from cp' -F
complete -c conti-rootless -n '__fish_seen_subcommand_from cp' -a '(__conti_rootless_names | string replace -r \$ :)' -d Container
complete -c conti-rootless -n '__conti_rootless_first_operand container' -a prune -d 'Remove every stopped container'
complete -c conti-rootless -n '__fish_seen_subcommand_from container' -s f -l force -d 'Do not ask'
complete -c conti-rootless -n '__fish_seen_subcommand_from check' -l format -x -a json -d 'Output format'
complete -c conti-rootless -n '__fish_seen_subcommand_from stats' -l no-stream -d 'Print once and exit'
complete -c conti-rootless -n '__fish_seen_subcommand_from stats' -l format -x -a 'table json' -d 'Output format'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -s m -l memory -x -d 'Memory limit'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -l memory-swap -x -d 'Memory plus swap (-1: unlimited)'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -l memory-reservation -x -d 'Memory kept from reclaim'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -l cpus -x -d 'CPU time, in CPUs'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -s c -l cpu-shares -x -d 'Relative CPU weight (2..262144)'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -l cpu-weight -x -d 'Relative CPU weight (1..10000)'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -l pids-limit -x -d 'Most processes (-1: unlimited)'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -l io-weight -x -d 'Relative block I/O weight (1..10000)'
complete -c conti-rootless -n '__fish_seen_subcommand_from update' -l blkio-weight -x -d 'Relative block I/O weight (10..1000)'

# Container names: one for exec, start, logs and top, any number for the others; running
# ones for exec, stop, kill, wait and top, stopped ones for start and rm (all for rm -f).
complete -c conti-rootless -n '__conti_rootless_first_operand exec top' -a '(__conti_rootless_names running)' -d Container
complete -c conti-rootless -n '__conti_rootless_first_operand port update' -a '(__conti_rootless_names)' -d Container
complete -c conti-rootless -n '__fish_seen_subcommand_from stats' -a '(__conti_rootless_names running)' -d Container
complete -c conti-rootless -n '__conti_rootless_first_operand start' -a '(__conti_rootless_names created exited)' -d Container
complete -c conti-rootless -n '__conti_rootless_first_operand logs' -a '(__conti_rootless_names)' -d Container
complete -c conti-rootless -n '__fish_seen_subcommand_from stop kill wait' -a '(__conti_rootless_names running)' -d Container
complete -c conti-rootless -n '__fish_seen_subcommand_from rm; and not __fish_contains_opt -s f force' -a '(__conti_rootless_names created exited damaged)' -d Container
complete -c conti-rootless -n '__fish_seen_subcommand_from rm; and __fish_contains_opt -s f force' -a '(__conti_rootless_names)' -d Container
complete -c conti-rootless -n '__fish_seen_subcommand_from inspect restart' -a '(__conti_rootless_names)' -d Container

# unshare runs a command.
complete -c conti-rootless -n '__conti_rootless_first_operand unshare' -a '(__fish_complete_command)'

# help takes a command.
complete -c conti-rootless -n '__conti_rootless_first_operand help' -a "$commands"
