package io.isobench.workload.isolation;

import java.util.ArrayList;
import java.util.List;

/** Linux capability numbers and names (linux/capability.h), to spell out a CapEff mask. */
final class Capabilities {

    static final int CAP_SYS_ADMIN = 21;

    private static final String[] NAMES = {"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
        "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock",
        "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap", "mac_override",
        "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore"};

    private Capabilities() {
    }

    static List<String> names(long mask) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(i < NAMES.length ? NAMES[i] : "cap_" + i);
            }
        }
        return out;
    }
}
