package io.isobench.env.vm;

import java.util.List;
import java.util.Map;

/**
 * The guest's PID 1, {@value #PATH}: a busybox shell script the kernel runs instead of an init
 * system (the kernel is told {@code init=} it). It mounts the pseudo file systems, loads the
 * virtio drivers the cloud kernel builds as modules, configures the network from the kernel
 * command line ({@code isobench.net=ADDRESS/PREFIX,GATEWAY}), mounts the data disk (the virtio
 * disk with serial {@value #DATA_SERIAL}) at {@value #DATA_MOUNT}, and runs the agent with its
 * stdin and stdout on the virtio-serial port named {@value #PORT_NAME}. Its own messages and the
 * agent's stderr go to the serial console, which the host keeps as a log.
 *
 * <p>Only busybox is used (called as {@code /bin/busybox APPLET}), so the same script runs in the
 * small image and in the Debian one (which carries busybox-static).
 */
final class InitScript {

    static final String PATH = "/sbin/isobench-init";
    static final String PORT_NAME = "io.isobench.agent";
    static final String DATA_SERIAL = "isobench-data";
    static final String DATA_MOUNT = "/data";
    /** Drivers the guest loads; the modules and their dependencies go onto the root disk. */
    static final List<String> MODULES = List.of("virtio_pci", "virtio_blk", "virtio_net", "virtio_console");

    private InitScript() {
    }

    /**
     * The script, running {@code agentCommand} (the agent's command line inside the guest) with
     * exactly the variables {@code agentEnv} (the run's agent environment, the same every other
     * environment gives its agent) plus what the guest itself must add for its CPU (see below).
     */
    static String text(List<String> agentCommand, Map<String, String> agentEnv) {
        return """
                #!/bin/busybox sh
                # isobench guest init (PID 1): drivers, network, data disk, then the agent on virtio-serial.
                B=/bin/busybox
                export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
                log() { echo "isobench-init: $*" > /dev/console; }
                # the initrd moved /proc, /sys and /dev over already; mount what is missing
                mounted() { $B grep -q "^[^ ]* $1 " /proc/mounts 2>/dev/null; }
                mounted /proc || $B mount -t proc proc /proc
                mounted /sys || $B mount -t sysfs sys /sys
                mounted /dev || $B mount -t devtmpfs dev /dev
                $B mkdir -p /dev/pts /dev/shm /tmp /run
                mounted /dev/shm || $B mount -t tmpfs shm /dev/shm
                mounted /tmp || $B mount -t tmpfs tmp /tmp
                mounted /run || $B mount -t tmpfs run /run
                $B mount -o remount,rw / 2>/dev/null
                arg() { for w in $($B cat /proc/cmdline); do case "$w" in "$1="*) echo "${w#*=}";; esac; done; }
                for m in %MODULES%; do $B modprobe "$m" 2>/dev/null || log "modprobe $m failed"; done
                $B hostname isobench-guest
                # programs that resolve their own host name (mariadb-install-db) need it in /etc/hosts
                printf '127.0.0.1 localhost\\n127.0.1.1 isobench-guest\\n' > /etc/hosts
                $B ip link set lo up
                NET=$(arg isobench.net)
                IF=$($B ls /sys/class/net | $B grep -v '^lo$' | $B head -n1)
                if [ -n "$NET" ] && [ -n "$IF" ]; then
                  ADDR=${NET%%,*}; GW=${NET#*,}
                  $B ip addr add "$ADDR" dev "$IF" && $B ip link set "$IF" up && $B ip route add default via "$GW" \\
                    && log "network $IF $ADDR gateway $GW" || log "network $IF $ADDR: configuration failed"
                else
                  log "no network (isobench.net='$NET', interface '$IF')"
                fi
                DATA=
                for d in /sys/block/vd*; do
                  [ "$($B cat $d/serial 2>/dev/null)" = %DATA_SERIAL% ] && DATA=/dev/${d##*/}
                done
                $B mkdir -p %DATA_MOUNT%
                if [ -n "$DATA" ] && $B mount -t ext4 "$DATA" %DATA_MOUNT%; then
                  log "data disk $DATA on %DATA_MOUNT%"
                else
                  log "no data disk: workloads write to the root disk"
                fi
                PORT=
                i=0
                while [ -z "$PORT" ] && [ $i -lt 200 ]; do
                  for p in /sys/class/virtio-ports/*; do
                    [ "$($B cat $p/name 2>/dev/null)" = %PORT_NAME% ] && [ -e /dev/${p##*/} ] && PORT=/dev/${p##*/}
                  done
                  [ -n "$PORT" ] || { $B sleep 0.1; i=$((i+1)); }
                done
                if [ -z "$PORT" ]; then
                  log "no virtio-serial port named %PORT_NAME%: cannot reach the host"
                  $B poweroff -f
                fi
                log "kernel $($B uname -r), $($B grep -c ^processor /proc/cpuinfo) CPUs; agent on $PORT"
                # The port opens once (a second open is EBUSY). The JVM cannot read a virtio port as its
                # stdin (FileInputStream.available() fails with "Illegal seek" on it), so a pipe from
                # busybox cat feeds it; its stdout writes to the port. The agent reads EOF while the
                # host is not connected to the port: it is restarted a few times, then the guest powers off.
                # Debian's OpenBLAS (DYNAMIC_ARCH) takes QEMU's generic CPU model (qemu64: AMD family 15) for an
                # Opteron and runs kernels with 3DNow! instructions that neither TCG nor a current CPU under KVM
                # executes: linpack dies of SIGILL. The model offers SSE3 and no more, so its kernels are
                # Prescott's, as the study's untuned guest had; linpack reports the core type it ran.
                # A core type the user passed through (in the agent's environment below) is theirs and wins.
                GUEST_ENV=
                if %USER_CORETYPE% && $B grep -q '^model name.*QEMU Virtual CPU' /proc/cpuinfo; then
                  GUEST_ENV=OPENBLAS_CORETYPE=Prescott
                  log "QEMU's generic CPU model: OPENBLAS_CORETYPE=Prescott (SSE3 kernels; OpenBLAS's own choice, Opteron, needs 3DNow!)"
                fi
                exec 3<> "$PORT"
                # a JVM that crashes leaves hs_err_pid*.log in its working folder: shown on the console
                cd /tmp
                n=0
                while [ $n -lt 5 ]; do
                  $B cat <&3 | $B env -i %AGENT_ENV% $GUEST_ENV %AGENT% >&3 2> /dev/console
                  log "agent exited ($?)"
                  for f in /tmp/hs_err_pid*.log; do [ -f "$f" ] && $B head -n 60 "$f" > /dev/console && $B rm -f "$f"; done
                  n=$((n+1))
                  $B sleep 1
                done
                $B sync
                $B poweroff -f
                """
                .replace("%MODULES%", String.join(" ", MODULES))
                .replace("%DATA_SERIAL%", DATA_SERIAL)
                .replace("%DATA_MOUNT%", DATA_MOUNT)
                .replace("%PORT_NAME%", PORT_NAME)
                .replace("%USER_CORETYPE%", agentEnv.containsKey("OPENBLAS_CORETYPE") ? "false" : "true")
                .replace("%AGENT_ENV%", String.join(" ", agentEnv.entrySet().stream().map(e -> quoted(e.getKey() + "=" + e.getValue())).toList()))
                .replace("%AGENT%", String.join(" ", agentCommand.stream().map(InitScript::quoted).toList()));
    }

    /** One shell word, single-quoted when it needs to be. */
    static String quoted(String word) {
        return word.matches("[A-Za-z0-9_./:=,+@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
