package io.isobench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code doctor} lists what runs left behind with sizes, and {@code doctor --clean} removes what
 * a dead run left and keeps what a live run uses, told apart by the runs' locks. The leftovers are
 * made here as a killed run leaves them: a VM folder with a disk in it and a network device
 * labelled with its run (a bridge, labelled as isobench labels its taps and bridges).
 */
@Tag("integration")
class DoctorIT {

    private static final String DEAD = "20261130-010101-dead";
    private static final String LIVE = "20261130-010101-11fe";
    private final Path deadFolder = Path.of("/var/tmp/isobench-" + DEAD + "-vm-abc123");
    private final Path liveFolder = Path.of("/var/tmp/isobench-" + LIVE + "-native");
    private static final String DEAD_DEV = "isb-doctor-dead";
    private static final String LIVE_DEV = "isb-doctor-live";

    @AfterEach
    void removeWhatIsLeft() throws Exception {
        io.isobench.core.Files2.deleteRecursively(deadFolder);
        io.isobench.core.Files2.deleteRecursively(liveFolder);
        for (String dev : List.of(DEAD_DEV, LIVE_DEV)) {
            ip("link", "del", dev);
        }
    }

    @Test
    void cleanRemovesWhatADeadRunLeftAndKeepsWhatALiveRunUses() throws Exception {
        Files.createDirectories(deadFolder);
        Files.write(deadFolder.resolve("root.raw"), new byte[3 << 20]);
        Files.createDirectories(liveFolder);
        for (String[] d : List.of(new String[] {DEAD_DEV, DEAD}, new String[] {LIVE_DEV, LIVE})) {
            assertThat(ip("link", "add", d[0], "type", "bridge")).isZero();
            assertThat(ip("link", "set", "dev", d[0], "alias", "isobench-run=" + d[1])).isZero();
        }
        try (RunLock live = RunLock.acquire(LIVE)) {
            Cli list = Cli.run("doctor", "--run", DEAD + "," + LIVE);
            assertThat(list.out()).as(list.all())
                    .contains("run " + DEAD + " (not running)").contains("run " + LIVE + " (in progress: kept)")
                    .contains("folder " + deadFolder + " (3.0 MiB)").contains("device " + DEAD_DEV).contains("device " + LIVE_DEV)
                    .contains("folder " + liveFolder).contains("isobench doctor --clean");

            Cli clean = Cli.run("doctor", "--clean", "--run", DEAD + "," + LIVE);
            assertThat(clean.out()).as(clean.all()).contains("removed 2 of 2").contains("kept 2");
            assertThat(deadFolder).doesNotExist();
            assertThat(ip("link", "show", "dev", DEAD_DEV)).isNotZero();
            assertThat(liveFolder).exists();
            assertThat(ip("link", "show", "dev", LIVE_DEV)).isZero();
        }
        // the live run is gone now: its leftovers are a dead run's
        Cli after = Cli.run("doctor", "--clean", "--run", LIVE);
        assertThat(after.out()).as(after.all()).contains("run " + LIVE + " (not running)").contains("removed 2 of 2");
        assertThat(liveFolder).doesNotExist();
        assertThat(ip("link", "show", "dev", LIVE_DEV)).isNotZero();
    }

    private static int ip(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
