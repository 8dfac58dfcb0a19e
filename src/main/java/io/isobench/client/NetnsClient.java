package io.isobench.client;

import io.isobench.agent.AgentClient;
import io.isobench.agent.Protocol;
import io.isobench.agent.AgentLauncher;
import io.isobench.core.ChildProcess;
import io.isobench.env.Cleanup;
import io.isobench.core.Files2;
import io.isobench.core.Endpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The load side in a network namespace of its own: a client agent (the same jar, started with
 * the run's agent environment by {@code ip netns exec NS java ... agent}) behind a veth pair whose
 * host end has an address on a private /30 ({@value #PREFIX}.x.y). Its traffic enters the host
 * through an interface, as a second machine's would over a NIC: to native servers and to
 * containers in the host's network namespace it goes through the host's stack at the veth address;
 * a port Docker published on that address is carried by the kernel's DNAT (PREROUTING), not by
 * docker-proxy; container and VM addresses are routed (a /32 route per server in the namespace,
 * forwarding accepted for this veth only). With a link speed the veth's two ends are shaped with
 * tc tbf, one for each direction.
 *
 * <p>Everything is registered with the run's cleanup before it exists and removed at the end, on
 * failure and on Ctrl-C: the agent, the firewall rules, the veth pair and the namespace. Names
 * start with {@code isobench-} (namespace) and {@code isb-} (devices); nothing else is touched.
 */
public final class NetnsClient extends AgentPlace {

    static final String PREFIX = "10.214";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    /**
     * Names of one run's client network.
     *
     * @param namespace the network namespace ({@code isobench-<run id>-client})
     * @param hostDev   the veth end on the host
     * @param clientDev the veth end inside the namespace
     */
    public record Names(String namespace, String hostDev, String clientDev) {

        /** Derived from the run id, so a test or {@code doctor} can find a run's devices. */
        public static Names forRun(String runId) {
            String hex = hex(runId + "|client");
            return new Names("isobench-" + runId.replaceAll("[^A-Za-z0-9_.-]", "-") + "-client", "isb-" + hex + "h", "isb-" + hex + "c");
        }
    }

    private final Names names;
    private final String hostIp;
    private final String clientIp;
    private final ClientSpec spec;
    private final AgentLauncher launcher;
    private final Path log;
    private final Cleanup cleanup;
    private final String qdisc;
    private final Set<String> routes = new TreeSet<>();
    private final List<Cleanup.Handle> handles;
    private Cleanup.Handle agentHandle;
    private Process process;

    private NetnsClient(Names names, String hostIp, String clientIp, ClientSpec spec, AgentLauncher launcher, Path log, Cleanup cleanup,
                        String qdisc, List<Cleanup.Handle> handles) {
        this.names = names;
        this.hostIp = hostIp;
        this.clientIp = clientIp;
        this.spec = spec;
        this.launcher = launcher;
        this.log = log;
        this.cleanup = cleanup;
        this.qdisc = qdisc;
        this.handles = handles;
    }

    /** Why this host cannot create the client namespace, or null when it can (root, iproute2 with netns). */
    public static String unavailableReason() {
        if (!isRoot()) {
            return "isobench does not run as root (a network namespace and a veth pair need it)";
        }
        if (ipTool() == null) {
            return "iproute2's ip is not installed";
        }
        try {
            HostNet.run(ipTool(), "netns", "list");
        } catch (IOException e) {
            return "ip netns does not work here (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking ip netns";
        }
        return null;
    }

    /**
     * Client namespaces of isobench runs that exist now (of a run going on, or left by one killed
     * with -9), each removed with its veth pair and firewall rules.
     */
    public static List<io.isobench.env.Leftover> leftovers() {
        if (ipTool() == null) {
            return List.of();
        }
        try {
            List<io.isobench.env.Leftover> out = new ArrayList<>();
            for (String ns : HostNet.ourNamespaces()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("isobench-(.+)-client").matcher(ns);
                if (m.matches()) {
                    Names n = Names.forRun(m.group(1));
                    out.add(new io.isobench.env.Leftover(m.group(1), "namespace", ns + " (veth " + n.hostDev() + ")", -1, "",
                            () -> teardown(n)));
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // the effective uid
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: not Linux as we know it
        }
        return false;
    }

    private static String ipTool() {
        for (String p : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    /**
     * Creates the namespace, the veth pair (shaped when the spec has a link), the forwarding rules
     * and the client agent, each registered with {@code cleanup} before it exists.
     *
     * @param logDir where the client agent's stderr goes (kept with the run)
     */
    public static NetnsClient start(String runId, ClientSpec spec, AgentLauncher launcher, Path logDir, Cleanup cleanup,
                                    Duration bootTimeout) throws Exception {
        String why = unavailableReason();
        if (why != null) {
            throw new IOException("cannot create the client namespace: " + why);
        }
        Names n = Names.forRun(runId);
        HostNet.ours(n.namespace());
        HostNet.ours(n.hostDev());
        HostNet.ours(n.clientDev());
        int[] s = pickSubnet(n.hostDev(), HostNet.hostAddresses());
        String hostIp = PREFIX + "." + s[0] + "." + (s[1] + 1);
        String clientIp = PREFIX + "." + s[0] + "." + (s[1] + 2);
        List<Cleanup.Handle> handles = new ArrayList<>();
        // registered before anything exists: removal works whatever step a failure or Ctrl-C interrupts
        handles.add(cleanup.register("client namespace " + n.namespace() + " and veth " + n.hostDev(), () -> teardown(n)));
        try {
            String ip = ipTool();
            HostNet.run(ip, "netns", "add", n.namespace());
            HostNet.run(ip, "link", "add", n.hostDev(), "type", "veth", "peer", "name", n.clientDev(), "netns", n.namespace());
            HostNet.run(ip, "addr", "add", hostIp + "/30", "dev", n.hostDev());
            HostNet.run(ip, "link", "set", n.hostDev(), "up");
            HostNet.run(ip, "-n", n.namespace(), "addr", "add", clientIp + "/30", "dev", n.clientDev());
            HostNet.run(ip, "-n", n.namespace(), "link", "set", n.clientDev(), "up");
            HostNet.run(ip, "-n", n.namespace(), "link", "set", "lo", "up");
            String qdisc = null;
            if (spec.link() != null) {
                qdisc = tbf(spec.linkBits());
                shape(ip, null, n.hostDev(), qdisc);          // host -> client
                shape(ip, n.namespace(), n.clientDev(), qdisc); // client -> host
            }
            // servers behind the host (containers, VM guests) are reached through it: the host must
            // forward what arrives on this veth, and Docker's FORWARD policy (DROP) must let it pass
            if (!HostNet.forwards(n.hostDev())) {
                HostNet.forwardOn(n.hostDev());
            }
            if (HostNet.onPath("iptables")) {
                for (String dir : List.of("-i", "-o")) {
                    HostNet.run("iptables", "-w", "-I", "FORWARD", "1", dir, n.hostDev(), "-j", "ACCEPT");
                }
            }
            NetnsClient c = new NetnsClient(n, hostIp, clientIp, spec, launcher, logDir.resolve("agent-client-netns.log"), cleanup,
                    qdisc, handles);
            c.startAgent(bootTimeout);
            return c;
        } catch (Exception | Error e) {
            for (int i = handles.size() - 1; i >= 0; i--) {
                handles.get(i).close();
            }
            throw e;
        }
    }

    /** tc tbf arguments for a link speed: a burst of a millisecond's bytes (at least two 64 KiB GSO segments). */
    static String tbf(long bitsPerSecond) {
        long burst = Math.max(bitsPerSecond / 8 / 1000, 2 * 65536 + 2 * 1514);
        return "tbf rate " + bitsPerSecond + "bit burst " + burst + " latency 20ms";
    }

    private static void shape(String ip, String namespace, String dev, String qdisc) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (namespace != null) {
            cmd.addAll(List.of(ip, "netns", "exec", HostNet.ours(namespace)));
        }
        cmd.addAll(List.of("tc", "qdisc", "replace", "dev", HostNet.ours(dev), "root"));
        cmd.addAll(List.of(qdisc.split(" ")));
        HostNet.run(cmd);
    }

    /**
     * Removes the firewall rules, the veth pair, any process left in the namespace (only the
     * client agent ever runs there) and the namespace; what is already gone is fine.
     */
    static void teardown(Names n) throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        String ip = ipTool();
        if (HostNet.onPath("iptables")) {
            for (String dir : List.of("-i", "-o")) {
                for (int i = 0; i < 10 && HostNet.succeeds("iptables", "-w", "-C", "FORWARD", dir, HostNet.ours(n.hostDev()), "-j", "ACCEPT"); i++) {
                    try {
                        HostNet.run("iptables", "-w", "-D", "FORWARD", dir, n.hostDev(), "-j", "ACCEPT");
                    } catch (IOException e) {
                        failures.add(e.getMessage());
                        break;
                    }
                }
            }
        }
        if (HostNet.linkExists(n.hostDev())) {
            try {
                HostNet.run(ip, "link", "del", n.hostDev()); // takes its peer in the namespace with it
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        if (HostNet.netnsExists(HostNet.ours(n.namespace()))) {
            try {
                for (String pid : HostNet.run(ip, "netns", "pids", n.namespace()).split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                HostNet.run(ip, "netns", "del", n.namespace());
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException(String.join("; ", failures));
        }
    }

    /** Starts (or restarts, after it broke) the client agent in the namespace and greets it. */
    @Override
    protected void startAgent(Duration bootTimeout) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ipTool(), "netns", "exec", names.namespace()));
        cmd.addAll(launcher.command(AgentLauncher.defaultJvmOptions()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the run's explicit agent environment, as every agent gets: never the invoking shell's
        pb.environment().clear();
        pb.environment().putAll(launcher.environment().variables());
        AtomicReference<Process> started = new AtomicReference<>();
        Cleanup.Handle h = cleanup.register("client agent in " + names.namespace(), () -> stop(started.get()));
        try {
            Process p = ChildProcess.start(pb);
            started.set(p);
            AgentClient a = new AgentClient("client agent in namespace " + names.namespace(), p.getInputStream(), p.getOutputStream(),
                    () -> "agent exit: " + (p.isAlive() ? "still running" : String.valueOf(p.exitValue()))
                            + "; stderr tail (" + log + "):\n" + Files2.tail(log, 2000));
            Map<String, Object> inside = a.call(new Protocol.Hello(null), bootTimeout).facts();
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("pid", p.pid());
            for (String k : List.of("ns_net", "hostname", "kernel", "jvm")) {
                if (inside != null && inside.get(k) != null) {
                    f.put(k, String.valueOf(inside.get(k)));
                }
            }
            agentFacts = f;
            process = p;
            agent = a;
            agentHandle = h;
            agentStarts++;
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The first /30 in {@value #PREFIX}.0.0/16 after a start derived from {@code name} that no
     * address of this host falls into.
     *
     * @return the subnet's third octet and the base of its fourth, a multiple of 4
     */
    static int[] pickSubnet(String name, Set<String> used) {
        Set<Integer> taken = new TreeSet<>();
        for (String a : used) {
            String[] o = a.split("\\.");
            if (o.length == 4 && (o[0] + "." + o[1]).equals(PREFIX)) {
                taken.add((Integer.parseInt(o[2]) << 8 | Integer.parseInt(o[3])) & ~3);
            }
        }
        int start = Math.floorMod(name.hashCode(), 1 << 14) << 2;
        for (int i = 0; i < (1 << 14); i++) {
            int base = (start + (i << 2)) & 0xffff;
            if (base == 0 || taken.contains(base)) {
                continue;
            }
            return new int[] {base >> 8, base & 0xff};
        }
        throw new IllegalStateException("no free /30 left in " + PREFIX + ".0.0/16");
    }

    private static String hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Names names() {
        return names;
    }

    public String clientAddress() {
        return clientIp;
    }

    @Override
    public String kind() {
        return "netns";
    }

    @Override
    public String hostAddress() {
        return hostIp;
    }

    @Override
    public Optional<Endpoint> reach(Endpoint fromHost) throws IOException, InterruptedException {
        String via = "veth " + names.hostDev() + " -> " + fromHost.path();
        if (Reach.loopback(fromHost.host())) {
            return Reach.listensOnEveryHostAddress(fromHost)
                    ? Optional.of(new Endpoint(hostIp, fromHost.port(), via)) : Optional.empty();
        }
        if (!fromHost.host().equals(hostIp)) {
            route(fromHost.host());
        }
        return Optional.of(new Endpoint(fromHost.host(), fromHost.port(), via));
    }

    @Override
    public String unreachableReason(Endpoint fromHost) {
        return fromHost.path() + " listens on the host's loopback only (" + fromHost.host() + "), which no client outside the host's "
                + "own stack can reach";
    }

    /**
     * A route in the namespace to one server address (a container's, a VM guest's) through the
     * host, and forwarding on the host device towards it when that device is one of isobench's.
     */
    private void route(String address) throws IOException, InterruptedException {
        if (!IPV4.matcher(address).matches()) {
            throw new IOException("the client namespace reaches servers by IPv4 address; got '" + address + "'");
        }
        if (routes.contains(address)) {
            return;
        }
        String dev = HostNet.routeDevice(address);
        if (dev != null && !HostNet.forwards(dev)) {
            if (!HostNet.OURS.matcher(dev).matches()) {
                throw new IOException("the host does not forward packets to " + dev + " (net.ipv4.conf." + dev + ".forwarding=0), so the "
                        + "client namespace cannot reach " + address + ": enable forwarding (sysctl net.ipv4.ip_forward=1) or use client=local");
            }
            HostNet.forwardOn(dev);
        }
        HostNet.run(ipTool(), "-n", names.namespace(), "route", "replace", address + "/32", "via", hostIp, "dev", names.clientDev());
        routes.add(address);
    }

    @Override
    protected boolean agentAlive() {
        return process != null && process.isAlive();
    }

    @Override
    protected void dropAgent() {
        if (agentHandle != null) {
            agentHandle.close();
        }
    }

    @Override
    protected void awaitAgentEnd() throws InterruptedException {
        process.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("place", kind());
        m.put("namespace", names.namespace());
        m.put("veth_host", names.hostDev());
        m.put("veth_client", names.clientDev());
        m.put("host_address", hostIp);
        m.put("client_address", clientIp);
        m.put("link", spec.link() == null ? "unshaped" : spec.link());
        if (qdisc != null) {
            m.put("qdisc", qdisc + " on both veth ends");
        }
        putAgentFacts(m);
        return m;
    }

    @Override
    public void close() {
        shutdownAgent();
        if (agentHandle != null) {
            agentHandle.close();
        }
        for (int i = handles.size() - 1; i >= 0; i--) {
            handles.get(i).close();
        }
    }
}
