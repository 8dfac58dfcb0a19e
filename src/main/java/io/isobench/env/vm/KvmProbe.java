package io.isobench.env.vm;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.core.ChildProcess;
import io.isobench.core.Files2;
import io.isobench.host.HostFacts.SysFiles;
import io.isobench.result.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Whether KVM works here, found by booting, not by the existence of /dev/kvm: a nested
 * /dev/kvm may accept KVM_CREATE_VM while its guests hang at kernel entry. The probe boots the
 * guest kernel under {@code -accel kvm} with no root file system; a kernel that runs reaches
 * "VFS: Unable to mount root fs", panics, and QEMU exits ({@code -no-reboot}). A kernel that
 * does not get there within the bound means KVM does not work.
 *
 * <p>The answer is cached per host boot (keyed by {@code /proc/sys/kernel/random/boot_id},
 * the QEMU binary and the kernel), so it is found once, not on every run.
 */
final class KvmProbe {

    /** The answer: whether KVM boots a guest here, and what was seen. */
    record Result(boolean works, String detail) {
    }

    static final Duration BOUND = Duration.ofSeconds(20);
    private static final String REACHED = "VFS: Unable to mount root";

    private KvmProbe() {
    }

    /** The cached answer for this boot of the host, or a fresh probe (at most {@link #BOUND}). */
    static synchronized Result cached(GuestKernel kernel, Path cacheDir) {
        String bootId = SysFiles.firstLine(Path.of("/proc/sys/kernel/random/boot_id")).orElse("unknown");
        String key = bootId + "|" + qemuIdentity() + "|" + kernel.kernel();
        Path file = cacheDir.resolve("kvm-probe.json");
        try {
            if (Files.isRegularFile(file)) {
                JsonNode n = Json.mapper().readTree(file.toFile());
                if (key.equals(n.path("key").asText())) {
                    return new Result(n.path("works").asBoolean(), n.path("detail").asText());
                }
            }
        } catch (IOException ignored) {
            // an unreadable cache is probed again
        }
        Result r = probe(kernel, BOUND);
        try {
            Files.createDirectories(cacheDir);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", key);
            m.put("works", r.works());
            m.put("detail", r.detail());
            Path tmp = Files.createTempFile(cacheDir, "kvm-probe", ".tmp");
            Files.write(tmp, Json.mapper().writeValueAsBytes(m));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // not cached: the next run probes again
        }
        return r;
    }

    /** Boots {@code kernel} under KVM with no root disk and watches its console for {@code bound}. */
    static Result probe(GuestKernel kernel, Duration bound) {
        Path dev = Path.of("/dev/kvm");
        if (!Files.exists(dev)) {
            return new Result(false, "no /dev/kvm (no hardware virtualization, or the kvm module is not loaded)");
        }
        if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
            return new Result(false, "/dev/kvm is not accessible to this user (add it to the kvm group)");
        }
        Path dir = null;
        Process p = null;
        try {
            dir = Files.createTempDirectory("isobench-kvm-probe");
            Path console = dir.resolve("console.log");
            // timeout(1) bounds QEMU even if this JVM dies mid-probe
            List<String> cmd = List.of("timeout", "--kill-after=5", String.valueOf(bound.toSeconds() + 5), QemuCommand.QEMU, "-accel", "kvm", "-m", "256", "-smp", "1", "-nodefaults", "-no-user-config",
                    "-display", "none", "-no-reboot", "-kernel", kernel.kernel().toString(), "-append", "console=ttyS0 panic=-1",
                    "-serial", "file:" + console);
            p = ChildProcess.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()));
            long deadline = System.nanoTime() + bound.toNanos();
            while (System.nanoTime() < deadline) {
                if (Files2.tail(console, 4096).contains(REACHED)) {
                    return new Result(true, "a guest kernel booted under KVM");
                }
                if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                    if (Files2.tail(console, 4096).contains(REACHED)) {
                        return new Result(true, "a guest kernel booted under KVM");
                    }
                    String why = Files2.tail(dir.resolve("qemu.log"), 400).strip();
                    return new Result(false, "QEMU under KVM exited (" + p.exitValue() + ") before the guest kernel ran"
                            + (why.isEmpty() ? "" : ": " + why.replace('\n', ' ')));
                }
            }
            return new Result(false, "a guest kernel under KVM printed nothing within " + bound.toSeconds()
                    + " s (a nested /dev/kvm that hangs guests at kernel entry?)");
        } catch (IOException e) {
            return new Result(false, "could not run the KVM probe: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "the KVM probe was interrupted");
        } finally {
            if (p != null && p.isAlive()) {
                // QEMU is timeout(1)'s child: a signal to timeout alone would orphan it
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (dir != null) {
                try {
                    Files2.deleteRecursively(dir);
                } catch (IOException ignored) {
                    // a temp folder of a few bytes
                }
            }
        }
    }

    private static String qemuIdentity() {
        Path q = QemuCommand.binary();
        try {
            return q + "@" + Files.getLastModifiedTime(q).toMillis();
        } catch (IOException e) {
            return String.valueOf(q);
        }
    }
}
