package io.isobench.env.vm;

import java.util.List;
import java.util.Map;

/**
 * The guest's PID 1, {@value #PATH}: a busybox shell script the kernel runs instead of an init
 * system (the kernel is told {@code init=} it). It mounts the pseudo file systems, loads the
 * virtio drivers the cloud kernel builds as modules, configures the network from the kernel
 * command line ({@code isobench.net=ADDRESS/PREFIX,GATEWAY}), mounts the data disk (the virtio
 * disk with serial {@value #DATA_SERIAL}) at {@value #DATA_MOUNT}, and runs the agent with its
 * requests and responses on the virtio-serial port named {@value #PORT_NAME}. Its own messages
 * and the agent's stdout and stderr go to the serial console, which the host keeps as a log.
 *
 * <p>The agent runs once. When it ends, however it ends, the init writes its exit status to the
 * console ({@value #EXITED}), then any JVM crash report whole between markers, then
 * {@value #END_REPORTED}, and powers the guest off: the host, which watches the console
 * ({@link ConsoleWatch}), learns of the death within a second and reads its cause there.
 *
 * <p>Only busybox is used (called as {@code /bin/busybox APPLET}), so the same script runs in the
 * small image and in the Debian one (which carries busybox-static).
 */
final class InitScript {

    static final String PATH = "/sbin/isobench-init";
    static final String PORT_NAME = "io.isobench.agent";
    static final String DATA_SERIAL = "isobench-data";
    static final String DATA_MOUNT = "/data";
    /** Where the agent's JVM writes a crash report: the data disk (not /tmp, a tmpfs in the memory the guest may lack). */
    static final String CRASH_DIR = DATA_MOUNT;
    /** What the agent's JVM is given so its crash report lands in {@link #CRASH_DIR}. */
    static final String ERROR_FILE_OPTION = "-XX:ErrorFile=" + CRASH_DIR + "/hs_err_pid%p.log";
    /** The agent's responses go to this FIFO (see {@link io.isobench.agent.Protocol#CHANNEL_PROPERTY}). */
    static final String PROTOCOL_FIFO = "/run/agent.out";
    /** Console markers, each after "isobench-init: ": the agent's exit status, each crash report, the end of the report. */
    static final String EXITED = "agent exited, status";
    static final String REPORT_BEGINS = "crash report begins:";
    static final String REPORT_ENDS = "crash report ends";
    static final String END_REPORTED = "agent end reported";
    /** The kernel command line's word that gives the agent's maximum heap, e.g. {@code isobench.heap=1024m}. */
    static final String HEAP_ARG = "isobench.heap";
    /** The prefix of every line the init writes to the console. */
    static final String LOG_PREFIX = "isobench-init: ";
    /** Drivers the guest loads; the modules and their dependencies go onto the root disk. */
    /**
     * Drivers the guest loads; the modules and their dependencies go onto the root disk and into
     * the initrd. Both transports: virtio_pci for the pc and q35 machines, virtio_mmio for microvm
     * (whose devices the ACPI tables describe); each binds only to devices of its own bus.
     */
    static final List<String> MODULES = List.of("virtio_pci", "virtio_mmio", "virtio_blk", "virtio_net", "virtio_console");
    /** The console line that says which buses the guest's devices sit on, after {@link #LOG_PREFIX}. */
    static final String DEVICES = "devices:";
    /** The console line that names the guest kernel's clock source, after {@link #LOG_PREFIX}. */
    static final String CLOCKSOURCE = "clocksource:";

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
                # which buses carry the devices, as the guest kernel sees them (a microvm has no PCI bus)
                PCI=$($B ls /sys/bus/pci/devices 2>/dev/null | $B wc -l)
                VPCI=0; VMMIO=0
                for d in /sys/bus/virtio/devices/*; do
                  [ -e "$d" ] || continue
                  case "$($B readlink -f "$d")" in */pci*) VPCI=$((VPCI+1));; *) VMMIO=$((VMMIO+1));; esac
                done
                log "%DEVICES% pci=$PCI virtio-pci=$VPCI virtio-mmio=$VMMIO"
                # the clock the guest's time comes from (a microvm under TCG has no HPET: its TSC, or 4 ms jiffies)
                log "%CLOCKSOURCE% $($B cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
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
                log "cpu flags:$($B grep -m1 '^flags' /proc/cpuinfo | $B cut -d: -f2)"
                # OpenBLAS reads OPENBLAS_CORETYPE when it loads: decided here, before the JVM starts, from the CPUID
                # flags this guest sees (OpenBlasCore: OpenBLAS's own choice on QEMU's CPU models is Opteron, whose
                # kernels use 3DNow!). A core type the user passed through (in the agent's environment) wins.
                GUEST_ENV=
                if %USER_CORETYPE%; then
                %OPENBLAS_CORE%  GUEST_ENV=OPENBLAS_CORETYPE=$CORE
                  log "OPENBLAS_CORETYPE=$CORE (from the CPU flags)"
                fi
                # The port opens once (a second open is EBUSY), and the JVM cannot read a virtio port as its stdin
                # (FileInputStream.available() fails with "Illegal seek" on it): a busybox cat feeds the agent's
                # stdin through a FIFO, and another carries the agent's responses, which it writes to a FIFO of its
                # own (not its stdout), to the port. So nothing else the JVM or a native library prints can reach
                # the protocol: stdout and stderr go to the console, which the host keeps as the agent's log.
                exec 3<> "$PORT"
                $B mkfifo %RUN%/agent.in %RUN%/agent.out
                $B cat <&3 > %RUN%/agent.in &
                IN=$!
                $B cat < %RUN%/agent.out >&3 &
                OUT=$!
                # a crash report goes to the data disk (%CRASH_GLOB%), else to the working folder (/tmp)
                cd /tmp
                # the heap the host sized for this guest's memory and workloads (the JVM's default without one)
                HEAP=$(arg %HEAP_ARG%)
                $B env -i %AGENT_ENV% $GUEST_ENV %AGENT% < %RUN%/agent.in > /dev/console 2> /dev/console 3>&- &
                AGENT=$!
                log "agent started (pid $AGENT)"
                wait $AGENT
                STATUS=$?
                # The host watches the console for this line: the agent's end reaches it at once, whatever kept
                # the port open. Crash reports follow whole between markers, then the guest powers off.
                log "%EXITED% $STATUS"
                # the feeding cat waits on the port: end it; the other ends by itself once it has passed on the last response
                $B kill $IN 2>/dev/null
                for f in %CRASH_GLOB% /tmp/hs_err_pid*.log; do
                  [ -f "$f" ] || continue
                  log "%REPORT_BEGINS% $f"
                  $B cat "$f" > /dev/console
                  log "%REPORT_ENDS%"
                done
                log "%END_REPORTED%"
                $B sync
                $B poweroff -f
                """
                .replace("%MODULES%", String.join(" ", MODULES))
                .replace("%DEVICES%", DEVICES)
                .replace("%CLOCKSOURCE%", CLOCKSOURCE)
                .replace("%DATA_SERIAL%", DATA_SERIAL)
                .replace("%DATA_MOUNT%", DATA_MOUNT)
                .replace("%PORT_NAME%", PORT_NAME)
                .replace("%USER_CORETYPE%", agentEnv.containsKey("OPENBLAS_CORETYPE") ? "false" : "true")
                .replace("%OPENBLAS_CORE%", OpenBlasCore.shell().indent(2))
                .replace("%RUN%", "/run")
                .replace("%CRASH_GLOB%", CRASH_DIR + "/hs_err_pid*.log")
                .replace("%EXITED%", EXITED)
                .replace("%REPORT_BEGINS%", REPORT_BEGINS)
                .replace("%REPORT_ENDS%", REPORT_ENDS)
                .replace("%END_REPORTED%", END_REPORTED)
                .replace("%AGENT_ENV%", String.join(" ", agentEnv.entrySet().stream().map(e -> quoted(e.getKey() + "=" + e.getValue())).toList()))
                .replace("%HEAP_ARG%", HEAP_ARG)
                // the heap option right after the java binary, unquoted so that it is left out when empty
                .replace("%AGENT%", quoted(agentCommand.get(0)) + " ${HEAP:+-Xmx$HEAP} "
                        + String.join(" ", agentCommand.subList(1, agentCommand.size()).stream().map(InitScript::quoted).toList()));
    }

    /** One shell word, single-quoted when it needs to be. */
    static String quoted(String word) {
        return word.matches("[A-Za-z0-9_./:=,+@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
