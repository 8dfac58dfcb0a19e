package io.isobench.env.vm;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.cli.Main;
import io.isobench.image.ImageCache;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end through the CLI: native and vm side by side, the vm's samples labelled as emulation under TCG. */
@Tag("integration")
class VmRunIT {

    @TempDir
    Path results;

    @Test
    void aRunComparesTheVmWithNativeAndLabelsEmulation() throws Exception {
        GuestKernel kernel = GuestKernel.find().orElseThrow(() -> new AssertionError("no guest kernel: " + GuestKernel.FIX));
        boolean kvm = KvmProbe.cached(kernel, ImageCache.standard().root().resolve("vm")).works();

        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.execute("run", "--env", "native,vm", "--workload", "hash", "--variant", "vm.image=small",
                    "-p", "hash.size=1M", "-p", "hash.passes=1", "-n", "2", "--warmup", "0", "-o", results.toString());
        } finally {
            System.setOut(stdout);
        }
        String console = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(console).isZero();

        Path runDir;
        try (Stream<Path> s = Files.list(results)) {
            runDir = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        RunDirectory dir = RunDirectory.open(runDir);
        RunRecord record = dir.readRecord();
        assertThat(record.status()).isEqualTo(RunStatus.COMPLETE);
        List<Sample> samples = dir.readSamples();
        List<Sample> vm = samples.stream().filter(x -> x.environment().equals("vm")).toList();
        List<Sample> nat = samples.stream().filter(x -> x.environment().equals("native")).toList();
        assertThat(vm).hasSize(2);
        assertThat(nat).hasSize(2);
        assertThat(nat).noneMatch(Sample::emulated);
        // TCG is emulation: every vm sample says so, and so does the console table
        assertThat(vm).allMatch(x -> x.emulated() == !kvm);
        if (!kvm) {
            assertThat(console).contains("EMULATED");
        }
        // the vm's figures were measured inside the guest: its kernel, not the host's
        for (Sample x : vm) {
            @SuppressWarnings("unchecked")
            Map<String, Object> inside = (Map<String, Object>) x.metadata().get("inside");
            assertThat(inside.get("kernel")).isEqualTo(kernel.release());
            @SuppressWarnings("unchecked")
            Map<String, Object> envFacts = (Map<String, Object>) x.metadata().get("environment");
            assertThat(envFacts.get("accel")).isEqualTo(kvm ? "kvm" : "tcg");
            assertThat(envFacts.get("qemu_command")).asString().startsWith("qemu-system-x86_64 ");
        }
        // the guest console was kept with the run
        try (Stream<Path> s = Files.list(dir.logs())) {
            assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("vm-") && n.endsWith("-console.log"));
        }
        VmEnvironmentIT.assertNothingLeft(record.id(), -1, Map.of());
    }
}
