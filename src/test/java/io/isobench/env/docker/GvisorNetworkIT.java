package io.isobench.env.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.isobench.cli.Main;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.Sample;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gVisor with a network, through a whole run: tcp_rr's server in a runsc sandbox in each network
 * mode the host allows, its load from the client namespace through Docker's DNAT. The
 * passthrough (runsc_network=host) must answer, with gVisor's kernel inside and the client's own
 * address seen by the server; gVisor's own stack (runsc_network=sandbox) must answer too where
 * runsc accepts it, or be left out of the plan in runsc's words where it does not. Afterwards
 * nothing of the run is left: no container, and no runsc or shim process of a container that no
 * longer exists (what a sandbox that failed to start leaves unless removed).
 */
@Tag("integration")
class GvisorNetworkIT {

    private static final String PASSTHROUGH = "docker[image=small,runsc_network=host,runtime=runsc]";
    private static final String NETSTACK = "docker[image=small,runtime=runsc]";
    /** A full container id on a process's command line (the shim's -id, the sandbox's bundle path). */
    private static final Pattern CONTAINER_ID = Pattern.compile("\\b[0-9a-f]{64}\\b");

    @TempDir
    Path tmp;

    @Test
    void aGvisorSandboxWithANetworkAnswersTcpRrFromTheClientNamespace() throws Exception {
        List<String> runtimes;
        try (DockerEngine engine = DockerEngine.connect()) {
            runtimes = engine.info().runtimes();
        }
        assumeThat(runtimes).as("the engine has the gVisor runtimes scripts/setup-host.sh registers").contains("runsc-host", "runsc-sandbox");
        Instant began = Instant.now();
        Path suite = tmp.resolve("gvisor-net.yaml");
        Files.writeString(suite, """
                name: gvisor-network
                baseline: docker[image=small]
                repetition: {warmup: 0, iterations: 1}
                workloads:
                  - {name: tcp_rr, params: {duration: 1s}}
                environments:
                  - name: docker
                    variants: [{image: small}, {image: small, runtime: runsc, runsc_network: [sandbox, host]}]
                """);
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "run", "--suite", suite.toString(),
                "--results", tmp.resolve("results").toString());
        assertThat(code).as(out.toString()).isZero();
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("results"))) {
            run = s.findFirst().orElseThrow();
        }
        RunDirectory dir = RunDirectory.open(run);
        List<Sample> samples = dir.readSamples();
        RunRecord record = dir.readRecord();

        // the passthrough answers: transactions counted on both sides, from the client namespace through DNAT
        List<Sample> rr = samples.stream().filter(s -> s.variant().equals(PASSTHROUGH) && s.workload().equals("tcp_rr")).toList();
        assertThat(rr).extracting(Sample::metric).contains("transactions", "latency_p50");
        assertThat(rr).allSatisfy(s -> assertThat(s.value()).as(s.metric()).isPositive());
        Map<String, Object> facts = workloadFacts(rr.get(0));
        assertThat(((Number) facts.get("inside_transactions")).longValue()).isEqualTo(((Number) facts.get("completed")).longValue());
        @SuppressWarnings("unchecked")
        Map<String, Object> client = (Map<String, Object>) facts.get("client");
        if ("netns".equals(client.get("place"))) {
            // the kernel's DNAT hands the server the client's own address (docker-proxy would show the bridge's gateway)
            assertThat(facts.get("inside_peers")).asList().contains(client.get("client_address"));
        }
        Map<String, Object> env = record.environments().get(PASSTHROUGH);
        assertThat(env.get("engine_runtime")).isEqualTo("runsc-host");
        assertThat(String.valueOf(env.get("gvisor_network"))).startsWith("host: ").contains("passthrough");
        @SuppressWarnings("unchecked")
        Map<String, Object> inside = (Map<String, Object>) env.get("inside");
        assertThat(inside.get("kernel")).as("gVisor's Sentry answers uname, not the host's kernel").isEqualTo("4.4.0");
        // gVisor does no direct I/O to the host's storage (bench/sandbox-blockio.md); runc does
        assertThat(env.get(io.isobench.env.DirectIoPath.FACT)).isEqualTo(io.isobench.env.DirectIoPath.NOT_HONOURED);
        assertThat(String.valueOf(env.get(io.isobench.env.DirectIoPath.HOW_FACT))).contains("gofer").contains("without O_DIRECT");
        assertThat(record.environments().get("docker[image=small]").get(io.isobench.env.DirectIoPath.FACT))
                .isEqualTo(io.isobench.env.DirectIoPath.HONOURED);

        // gVisor's own stack: measured where runsc accepts it, else left out with runsc's words, said before the run
        boolean netstackRan = samples.stream().anyMatch(s -> s.variant().equals(NETSTACK));
        if (!netstackRan) {
            assertThat(record.warnings()).anySatisfy(w -> assertThat(w).startsWith("skipping " + NETSTACK + ": runsc refuses")
                    .contains("runsc said: "));
            assertThat(out.toString()).contains("skipping " + NETSTACK + ": runsc refuses");
        } else {
            assertThat(samples).filteredOn(s -> s.variant().equals(NETSTACK) && s.metric().equals("transactions"))
                    .allSatisfy(s -> assertThat(s.value()).isPositive());
        }
        // the report explains the passthrough in one line
        assertThat(out.toString()).contains("runsc_network=host: gVisor's host-network passthrough");

        // nothing left: containers of the run, or processes of any runsc container (the probe's too) that is gone
        try (DockerEngine engine = DockerEngine.connect()) {
            assertThat(new DockerLeftovers(engine).find(record.id())).isEmpty();
            assertThat(new DockerLeftovers(engine).find(GvisorProbe.PROBE_RUN)).isEmpty();
            List<String> existing = engine.quick().listContainersCmd().withShowAll(true).exec().stream()
                    .map(com.github.dockerjava.api.model.Container::getId).toList();
            List<String> orphans = ProcessHandle.allProcesses()
                    .filter(p -> p.info().startInstant().map(t -> !t.isBefore(began)).orElse(false))
                    .map(p -> p.info().commandLine().orElse(""))
                    .filter(c -> c.contains("runsc") || c.contains("containerd-shim"))
                    .filter(c -> {
                        Matcher m = CONTAINER_ID.matcher(c);
                        return m.find() && !existing.contains(m.group());
                    }).toList();
            assertThat(orphans).as("runsc processes of removed containers").isEmpty();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> workloadFacts(Sample s) {
        return (Map<String, Object>) s.metadata().get("workload");
    }
}
