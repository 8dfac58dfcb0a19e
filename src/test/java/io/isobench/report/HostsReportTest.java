package io.isobench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.isobench.result.Direction;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.Sample;
import io.isobench.result.TrialRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host dimension: two hosts' runs put together as a fleet's controller writes them (samples
 * tagged with their host, trials as host/id), each compared with its own native only.
 */
class HostsReportTest {

    @TempDir
    Path tmp;

    /** One host's run: docker at {@code dockerShare} of native's hash throughput (native at {@code nativeMean}). */
    private RunDirectory host(String name, double nativeMean, double dockerShare) throws Exception {
        return new SyntheticRun("r-" + name, name.hashCode())
                .metric("hash", Map.of(), SyntheticRun.NATIVE, "throughput", Map.of(), nativeMean, 0.01, "MB/s", Direction.HIGHER, 5)
                .metric("hash", Map.of(), SyntheticRun.DOCKER_NAT, "throughput", Map.of(), nativeMean * dockerShare, 0.01, "MB/s",
                        Direction.HIGHER, 5)
                .write(tmp.resolve(name));
    }

    @Test
    void eachHostIsComparedWithItsOwnNative() throws Exception {
        // host a is fast and loses half in docker; host b is slow and loses a tenth: mixed, docker on a would beat native on b
        RunDirectory a = host("a", 1000, 0.5);
        RunDirectory b = host("b", 300, 0.9);
        List<Sample> samples = new ArrayList<>();
        List<TrialRecord> trials = new ArrayList<>();
        for (var e : Map.of("a", a, "b", b).entrySet()) {
            e.getValue().readSamples().forEach(s -> samples.add(s.onHost(e.getKey(), "fleet")));
            for (TrialRecord t : e.getValue().readRecord().trials()) {
                trials.add(new TrialRecord(e.getKey() + "/" + t.id(), t.workload(), t.params(), t.environment(), t.variant(), t.settings(),
                        t.status(), t.iterationsDone(), t.warmupsDone(), t.failure(), t.lost()));
            }
        }
        samples.sort(java.util.Comparator.comparing(Sample::host));
        RunRecord base = a.readRecord();
        RunRecord fleet = base.with(base.status(), null, Map.of(), trials, base.timing());
        assertThat(HostsReport.hosts(samples)).containsExactly("a", "b");
        List<HostsReport.Part> parts = HostsReport.parts(fleet, samples, "native");
        assertThat(parts).extracting(HostsReport.Part::host).containsExactly("a", "b");
        List<List<String>> rows = HostsReport.crossHostRows(parts);
        assertThat(rows).hasSize(1);
        List<String> row = rows.get(0);
        assertThat(row.get(2)).isEqualTo("docker[network=nat]");
        double onA = Double.parseDouble(row.get(3).split(" ")[0]);
        double onB = Double.parseDouble(row.get(4).split(" ")[0]);
        assertThat(onA).isBetween(0.45, 0.55);
        assertThat(onB).isBetween(0.85, 0.95);
        // each host's section holds its own trials only
        assertThat(parts.get(0).data().record().trials()).extracting(TrialRecord::id).noneMatch(id -> id.contains("/"));
        assertThat(parts.get(0).data().samples()).allMatch(s -> "a".equals(s.host()));
        String console = HostsReport.console(parts);
        assertThat(console.indexOf("across hosts")).isLessThan(console.indexOf("######## host a"));
        assertThat(console.indexOf("######## host a")).isLessThan(console.indexOf("######## host b"));
        String html = HostsReport.html("fleet", parts, StudyReference.bundled());
        assertThat(html).contains("<th>a</th>").contains("<th>b</th>").contains("id=\"host-a\"").contains("id=\"host-b\"");
        // anchors of the two hosts' sections stay apart
        assertThat(html).contains("id=\"host-a-").contains("id=\"host-b-");
    }

    @Test
    void aHostThatNeverConnectedIsInTheReportAsFailedWithItsReason() throws Exception {
        RunDirectory a = host("a", 1000, 0.5);
        List<Sample> samples = new ArrayList<>();
        a.readSamples().forEach(s -> samples.add(s.onHost("a", "fleet")));
        List<TrialRecord> trials = new ArrayList<>();
        for (TrialRecord t : a.readRecord().trials()) {
            trials.add(new TrialRecord("a/" + t.id(), t.workload(), t.params(), t.environment(), t.variant(), t.settings(), t.status(),
                    t.iterationsDone(), t.warmupsDone(), t.failure(), t.lost()));
        }
        Map<String, Object> fleetMap = new java.util.LinkedHashMap<>();
        fleetMap.put("a", Map.of("target", "root@192.0.2.10", "status", "done", "samples", samples.size()));
        fleetMap.put("b", Map.of("target", "root@192.0.2.11", "status", "failed", "samples", 0,
                "reason", "cannot log in to root@192.0.2.11: connection refused"));
        RunRecord base = a.readRecord();
        RunRecord fleet = new RunRecord("fleet", base.toolVersion(), base.commandLine(), base.started(), base.ended(), base.status(),
                null, base.suite(), Map.of("fleet", fleetMap), null, List.of(), Map.of(), trials, base.timing());
        assertThat(HostsReport.isFleet(fleet)).isTrue();
        assertThat(HostsReport.statuses(fleet)).extracting(HostsReport.HostStatus::host).containsExactly("a", "b");
        List<HostsReport.Part> parts = HostsReport.parts(fleet, samples, "native");
        // b measured nothing, so it has no section; it is in the hosts table, failed, with why
        assertThat(parts).extracting(HostsReport.Part::host).containsExactly("a");
        String console = HostsReport.console(HostsReport.statuses(fleet), parts);
        assertThat(console).containsPattern("b\\s+root@192\\.0\\.2\\.11\\s+FAILED, 0 samples: cannot log in to root@192.0.2.11: connection refused");
        assertThat(console).containsPattern("a\\s+root@192\\.0\\.2\\.10\\s+done, " + samples.size() + " samples");
        assertThat(console.indexOf("== hosts")).isLessThan(console.indexOf("across hosts"));
        String html = HostsReport.html("fleet", HostsReport.statuses(fleet), parts, StudyReference.bundled());
        assertThat(html).contains("<tr class=\"failed\"><td>b</td>").contains("cannot log in to root@192.0.2.11: connection refused");
        assertThat(HostsReport.isFleet(base)).isFalse();
    }

    @Test
    void aOneMachineRunHasNoHostDimension() throws Exception {
        assertThat(HostsReport.hosts(host("solo", 100, 0.8).readSamples())).isEmpty();
    }
}
