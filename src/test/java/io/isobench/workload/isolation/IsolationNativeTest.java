package io.isobench.workload.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.agent.InsideFacts;
import io.isobench.host.HostFacts;
import io.isobench.result.WorkloadResult;
import io.isobench.workload.InsideContext;
import io.isobench.workload.Params;
import io.isobench.workload.syscall.SyscallWorkload;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Natively the answers are known: the host's own kernel, PIDs and namespaces. */
class IsolationNativeTest {

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> verdict(WorkloadResult r, String probe) {
        return (Map<String, Object>) ((Map<String, Object>) r.metadata().get("verdicts")).get(probe);
    }

    @Test
    void nativeSharesEverythingWithTheHost() throws Exception {
        InsideContext ctx = new InsideContext(tmp, HostFacts.read(), InsideFacts.hostIdentity());
        WorkloadResult r = new IsolationWorkload().runInside(Params.of(Map.of()), ctx);
        assertThat(verdict(r, "kernel_shared_with_host").get("verdict")).isEqualTo(true);
        assertThat(verdict(r, "host_pids_visible").get("verdict")).isEqualTo(true);
        assertThat(verdict(r, "host_network_namespace").get("verdict")).isEqualTo(true);
        assertThat(verdict(r, "escape_preconditions").get("evidence").toString()).contains("host PID namespace");
        assertThat(r.measurements()).extracting(m -> m.metric()).contains("visible_processes", "capabilities", "allowed_operations");
        // it cleaned up after its operations
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void anotherHostIdentityIsSeenAsAnotherKernelAndInvisiblePids() throws Exception {
        Map<String, Object> stranger = Map.of("boot_id", "00000000-0000-0000-0000-000000000000", "kernel", "other", "pid", 1L,
                "pid_start", "999999999", "ns_pid", "pid:[1]", "ns_net", "net:[1]", "ns_mnt", "mnt:[1]");
        WorkloadResult r = new IsolationWorkload().runInside(Params.of(Map.of()), new InsideContext(tmp, HostFacts.read(), stranger));
        assertThat(verdict(r, "kernel_shared_with_host").get("verdict")).isEqualTo(false);
        assertThat(verdict(r, "host_pids_visible").get("verdict")).isEqualTo(false);
        assertThat(verdict(r, "host_network_namespace").get("verdict")).isEqualTo(false);
    }

    @Test
    void syscallCostsAreMeasuredForEveryOperation() throws Exception {
        WorkloadResult r = new SyscallWorkload().runInside(Params.of(Map.of("ops", "stat,open_close,read_4k,write_4k,fork_exec,page_fault,context_switch",
                "count", 200)), new InsideContext(tmp, HostFacts.read()));
        assertThat(r.measurements()).extracting(m -> m.metric())
                .containsExactly("stat", "open_close", "read_4k", "write_4k", "fork_exec", "page_fault", "context_switch");
        assertThat(r.measurements()).allSatisfy(m -> {
            assertThat(m.value()).isPositive();
            assertThat(m.unit()).isEqualTo("us/op");
        });
        assertThat(tmp.toFile().list()).isEmpty();
    }
}
