package io.isobench.env.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.agent.AgentException;
import io.isobench.agent.CrashReportTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host reads an agent's death and its cause from a guest console written as the init and kernel write it. */
class ConsoleWatchTest {

    @TempDir
    Path dir;

    private final AtomicBoolean running = new AtomicBoolean(true);

    private ConsoleWatch watch(Path console) {
        return new ConsoleWatch(console, running::get, dir, "vm-tuned-hs_err");
    }

    private static void append(Path f, String text) throws Exception {
        Files.writeString(f, text.replace("\n", "\r\n"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void anOomKillIsNamedFromTheGuestKernelsLine() throws Exception {
        Path console = dir.resolve("vm-tuned-console.log");
        append(console, "[    9.52] EXT4-fs (vda): re-mounted.\nisobench-init: agent started (pid 412)\n");
        ConsoleWatch w = watch(console);
        assertThat(w.death()).as("alive while the init has not reported an end").isNull();
        append(console, "[  312.100000] java invoked oom-killer: gfp_mask=0x140dca\n"
                + "[  312.200000] Out of memory: Killed process 412 (java) total-vm:4021220kB, anon-rss:1901220kB, file-rss:0kB\n"
                + "isobench-init: agent exited, status 137\nisobench-init: agent end reported\n");
        AgentException.Death d = w.death();
        assertThat(d).isNotNull();
        assertThat(d.cause()).startsWith("OOM-killed by the guest kernel (Out of memory: Killed process 412 (java))")
                .contains("killed by SIGKILL (status 137)");
        assertThat(d.log()).isEqualTo(console.toString());
    }

    @Test
    void aCrashReportIsSavedWithTheRunsLogsAndItsFirstLinesNamed() throws Exception {
        Path console = dir.resolve("vm-tuned-console.log");
        append(console, "isobench-init: agent started (pid 412)\nisobench-init: agent exited, status 134\n"
                + "isobench-init: crash report begins: /data/hs_err_pid412.log\n" + CrashReportTest.SIGNAL.replace("---------------  S U M",
                "[  40.000001] a kernel line amid the report\n---------------  S U M")
                + "isobench-init: crash report ends\n");
        ConsoleWatch w = watch(console);
        // the exit is known but the init has not said it is done: a short wait for the rest of the report
        assertThat(w.death()).isNull();
        append(console, "isobench-init: agent end reported\n");
        AgentException.Death d = w.death();
        assertThat(d.cause()).contains("aborted by SIGABRT (status 134)").contains("JVM crash: SIGSEGV (0xb) at pc=0x00007f3c5d0a1b2c")
                .contains("PSPromotionManager::copy_to_survivor_space");
        Path saved = dir.resolve("vm-tuned-hs_err_pid412.log");
        assertThat(d.log()).isEqualTo(saved.toString());
        assertThat(Files.readString(saved)).contains("# A fatal error has been detected").contains("S U M M A R Y")
                .doesNotContain("a kernel line amid the report").doesNotContain("isobench-init");
    }

    @Test
    void aVmThatStoppedWithoutAReportIsADeathToo() throws Exception {
        Path console = dir.resolve("vm-tuned-console.log");
        append(console, "[    1.0] Linux version 6.1\n[   20.5] Kernel panic - not syncing: Out of memory and no killable processes...\n");
        ConsoleWatch w = watch(console);
        assertThat(w.death()).isNull();
        running.set(false);
        assertThat(w.death().cause()).contains("the VM stopped before the guest's init reported the agent's end")
                .contains("Kernel panic - not syncing");
    }
}
