#!/usr/bin/env bash
# Start-up time per environment: from Environment.start() to the agent's first answer (hello),
# N repetitions each, as a table of median / min / max. Each instance is closed before the next.
#
#   bench/vm-startup.sh                          # native and vm (defaults), 5 each
#   N=3 bench/vm-startup.sh native vm:image=small vm:image=small,tuning=tuned
#
# An environment is NAME or NAME:SETTING=V,SETTING=V. The VM runs under KVM where the probe boot
# passes, else under TCG (emulation: the table says so). Image building is done once before timing.
# Runs under flock /tmp/isobench-bench.lock so benchmarks of parallel sessions do not overlap.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${N:-5}"
[ "$#" -gt 0 ] || set -- native vm
"$here/isobench" --version >/dev/null   # builds the jar when stale, and finds the JDK
JAVA_HOME="${JAVA_HOME:-$(ls -d /usr/lib/jvm/temurin-25-jdk-amd64 2>/dev/null || dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
tmp="$(mktemp -d /tmp/isobench-startup.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/StartupBench.java" <<'JAVA'
import io.isobench.env.*;
import io.isobench.host.HostFacts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.*;

/** Times Environment.start() (instance up, agent answered hello) for each environment spec. */
public class StartupBench {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path logs = Path.of(args[1]);
        HostFacts host = HostFacts.read();
        List<String[]> rows = new ArrayList<>();
        for (int a = 2; a < args.length; a++) {
            String spec = args[a];
            int colon = spec.indexOf(':');
            Environment env = Environments.get(colon < 0 ? spec : spec.substring(0, colon), "argument");
            Map<String, String> given = new LinkedHashMap<>();
            if (colon >= 0) {
                for (String kv : spec.substring(colon + 1).split(",")) {
                    String[] p = kv.split("=", 2);
                    given.put(p[0].trim(), p[1].trim());
                }
            }
            Availability av = env.probe(host);
            if (!av.available()) {
                rows.add(new String[] {spec, "-", "0", "-", "-", "-", "not available: " + av.detail()});
                continue;
            }
            Variant v = Variant.resolve(env, given, "argument");
            List<Double> secs = new ArrayList<>();
            boolean emulated = false;
            String accel = "";
            // one untimed start first: builds and caches images, so only start-up is timed
            for (int i = 0; i <= n; i++) {
                try (Cleanup cleanup = new Cleanup()) {
                    long t0 = System.nanoTime();
                    EnvironmentInstance inst = env.start(v, new StartContext("bench-" + i, logs, AgentLauncher.current(), cleanup, host,
                            Duration.ofMinutes(10)));
                    double s = (System.nanoTime() - t0) / 1e9;
                    emulated = inst.emulated();
                    Object acc = inst.facts().get("accel");
                    accel = acc == null ? "" : acc.toString();
                    inst.close();
                    if (i > 0) {
                        secs.add(s);
                    }
                    System.err.printf("%s #%d: %.2f s%s%n", v.label(), i, s, i == 0 ? " (untimed: warms the image cache)" : "");
                }
            }
            Collections.sort(secs);
            double med = secs.size() % 2 == 1 ? secs.get(secs.size() / 2) : (secs.get(secs.size() / 2 - 1) + secs.get(secs.size() / 2)) / 2;
            rows.add(new String[] {v.label(), accel.isEmpty() ? "-" : accel, String.valueOf(secs.size()), String.format("%.2f", med),
                    String.format("%.2f", secs.get(0)), String.format("%.2f", secs.get(secs.size() - 1)), emulated ? "EMULATED (tcg)" : ""});
        }
        System.out.printf("%nstart-up: Environment.start() until the agent answered, seconds (host: %d CPUs, load average %s)%n", host.cpus(),
                new String(java.nio.file.Files.readAllBytes(Path.of("/proc/loadavg"))).split(" ")[0]);
        String fmt = "%-40s %-6s %3s %8s %8s %8s  %s%n";
        System.out.printf(fmt, "environment", "accel", "n", "median", "min", "max", "");
        for (String[] r : rows) {
            System.out.printf(fmt, (Object[]) r);
        }
    }
}
JAVA
mkdir -p "$tmp/logs"
flock /tmp/isobench-bench.lock "$JAVA_HOME/bin/java" -cp "$here/target/isobench.jar" "$tmp/StartupBench.java" "$N" "$tmp/logs" "$@"
