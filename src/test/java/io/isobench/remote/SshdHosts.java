package io.isobench.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Remote hosts for tests: real OpenSSH servers ({@code /usr/sbin/sshd}), each in a network
 * namespace of its own with its own address on a bridge this class creates ({@code isbt<hex>},
 * 10.219.x.0/24, the bridge 10.219.x.1). Each host's key, the client's key and a known_hosts file
 * are made here. The hosts share this machine's files and Docker engine. {@link #close} kills what
 * it started by PID and removes the namespaces, the veths and the bridge; a JVM shutdown hook does
 * the same if the test is killed.
 */
public final class SshdHosts implements AutoCloseable {

    /** One host: its namespace, address, port and sshd. */
    public record Node(int index, String ns, String address, int port, Path hostKey, Process sshd, Path cache) {
        public SshHost host(Path clientKey) {
            return new SshHost("h" + index, "root", address, port, clientKey, "test");
        }
    }

    private final Path dir;
    private final String tag;
    private final String bridge;
    private final String subnet;
    private final List<Node> nodes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> links = new ArrayList<>();
    private final Path clientKey;
    private final Path knownHosts;
    private final Thread hook;
    private Path runSshdUser;

    private SshdHosts(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        byte[] r = new byte[2];
        new SecureRandom().nextBytes(r);
        tag = HexFormat.of().formatHex(r);
        bridge = "isbt" + tag;
        subnet = freeSubnet(Byte.toUnsignedInt(r[0]));
        clientKey = dir.resolve("id_ecdsa");
        knownHosts = dir.resolve("known_hosts");
        Files.createFile(knownHosts);
        hook = new Thread(this::close, "sshd-hosts-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "isobench-test-client", "-f", clientKey.toString());
        Files.copy(dir.resolve("id_ecdsa.pub"), dir.resolve("authorized_keys"));
        runSshdUser = RunSshd.use(tag);
        links.add(bridge);
        run("ip", "link", "add", bridge, "type", "bridge");
        run("ip", "addr", "add", subnet + ".1/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
    }

    /**
     * A 10.219.x.0/24 that no route and no address of this machine touches yet (a fixed one could
     * clash with a network someone else made): x from {@code start} on, the first one free.
     */
    static String freeSubnet(int start) throws IOException, InterruptedException {
        String taken = run("ip", "-4", "route", "show", "table", "all") + "\n" + run("ip", "-4", "-o", "addr", "show");
        for (int i = 0; i < 200; i++) {
            String net = "10.219." + ((start + i) % 200 + 20);
            if (!java.util.regex.Pattern.compile("(^|[^0-9])" + java.util.regex.Pattern.quote(net) + "\\.").matcher(taken).find()
                    && !taken.contains("10.219.0.0/16") && !taken.contains("10.0.0.0/8")) {
                return net;
            }
        }
        throw new IOException("no free 10.219.x.0/24 on this machine (ip route shows them all taken)");
    }

    /**
     * OpenSSH's privilege-separation folder, {@code /run/sshd}: compiled into sshd, so every test sshd
     * shares it with anything else on the machine. It is created only when missing, and then
     * removed by the last of the test helpers (of any JVM) that use it, never when it was there
     * before them: each user leaves a file in {@code /run/isobench-test-sshd/}, and a marker there
     * says the folder was made by one of them. A lock file serializes the check.
     */
    static final class RunSshd {
        private static final Path DIR = Path.of("/run/sshd");
        private static final Path USERS = Path.of("/run/isobench-test-sshd");
        private static final Path MADE = USERS.resolve("made-run-sshd");

        private static java.nio.channels.FileLock lock(java.nio.channels.FileChannel ch) throws IOException {
            return ch.lock();
        }

        private static java.nio.channels.FileChannel lockFile() throws IOException {
            return java.nio.channels.FileChannel.open(Path.of("/run/isobench-test-sshd.lock"), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
        }

        static Path use(String tag) throws IOException {
            try (var ch = lockFile(); var l = lock(ch)) {
                Files.createDirectories(USERS);
                if (!Files.isDirectory(DIR)) {
                    Files.createDirectory(DIR);
                    Files.writeString(MADE, "made by isobench's test sshd hosts\n");
                }
                Path me = USERS.resolve(ProcessHandle.current().pid() + "-" + tag);
                Files.writeString(me, "");
                return me;
            }
        }

        static void release(Path me) {
            try (var ch = lockFile(); var l = lock(ch)) {
                Files.deleteIfExists(me);
                boolean othersLive;
                try (var users = Files.list(USERS)) {
                    othersLive = users.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+-.*"))
                            .anyMatch(n -> ProcessHandle.of(Long.parseLong(n.substring(0, n.indexOf('-')))).isPresent());
                }
                if (!othersLive) {
                    if (Files.exists(MADE)) {
                        quiet("rmdir", DIR.toString());
                    }
                    try (var users = Files.list(USERS)) {
                        for (Path p : users.toList()) {
                            Files.deleteIfExists(p);
                        }
                    }
                    Files.deleteIfExists(USERS);
                }
            } catch (IOException ignored) {
                // best effort, as the rest of close
            }
        }
    }

    /** Whether this machine can run the hosts: root, ip, sshd, ssh-keygen. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root (network namespaces)";
        }
        for (String p : List.of("/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/sbin/ip")) {
            if (!Files.isExecutable(Path.of(p))) {
                return p + " is missing (apt-get install openssh-server iproute2)";
            }
        }
        return null;
    }

    /** A bridge and {@code ports.length} hosts, the i-th listening on ports[i]. */
    public static SshdHosts start(Path dir, int... ports) throws Exception {
        SshdHosts h = new SshdHosts(dir);
        try {
            for (int port : ports) {
                h.add(port);
            }
            h.waitListening();
            return h;
        } catch (Exception e) {
            h.close();
            throw e;
        }
    }

    private void add(int port) throws Exception {
        int i = nodes.size();
        String ns = "isbt" + tag + "-" + i;
        String host = "isbt" + tag + i + "h";
        String peer = "isbt" + tag + i + "c";
        String address = subnet + "." + (10 + i);
        namespaces.add(ns);
        run("ip", "netns", "add", ns);
        links.add(host);
        run("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
        run("ip", "link", "set", host, "master", bridge);
        run("ip", "link", "set", host, "up");
        run("ip", "link", "set", peer, "netns", ns);
        run("ip", "-n", ns, "addr", "add", address + "/24", "dev", peer);
        run("ip", "-n", ns, "link", "set", peer, "up");
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "-n", ns, "route", "add", "default", "via", subnet + ".1");
        Path hostKey = dir.resolve("host" + i + "_key");
        run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "isobench-test-host" + i, "-f", hostKey.toString());
        Path cache = dir.resolve("cache" + i);
        Files.createDirectories(cache);
        Path config = dir.resolve("sshd" + i + ".conf");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress " + address,
                "HostKey " + hostKey,
                "PidFile none",
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "MaxSessions 50",
                "SetEnv XDG_CACHE_HOME=" + cache,
                "") );
        Process sshd = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd" + i + ".log").toFile()).start();
        nodes.add(new Node(i, ns, address, port, hostKey, sshd, cache));
        trust(i, hostKey);
    }

    /** Writes host i's key into known_hosts under its address (and port). */
    public void trust(int i, Path key) throws IOException {
        Node n = nodes.get(i);
        String name = n.port() == 22 ? n.address() : "[" + n.address() + "]:" + n.port();
        String pub = Files.readString(Path.of(key + ".pub")).trim().split("\\s+", 3)[0] + " "
                + Files.readString(Path.of(key + ".pub")).trim().split("\\s+", 3)[1];
        Files.writeString(knownHosts, name + " " + pub + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    private void waitListening() throws Exception {
        for (Node n : nodes) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(new java.net.InetSocketAddress(n.address(), n.port()), 500);
                    break;
                } catch (IOException e) {
                    if (!n.sshd().isAlive()) {
                        throw new IOException("sshd of host " + n.index() + " exited: " + Files.readString(dir.resolve("sshd" + n.index() + ".log")));
                    }
                    if (System.nanoTime() > until) {
                        throw new IOException("sshd of host " + n.index() + " does not listen on " + n.address() + ":" + n.port());
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Path clientKey() {
        return clientKey;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    public Path dir() {
        return dir;
    }

    /** The bridge's address: this machine, as the hosts reach it. */
    public String gateway() {
        return subnet + ".1";
    }

    /** The PIDs of every process in host i's namespace. */
    public List<Long> pids(int i) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "pids", nodes.get(i).ns()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<Long> pids = new ArrayList<>();
        for (String l : out.split("\\s+")) {
            if (l.matches("\\d+")) {
                pids.add(Long.parseLong(l));
            }
        }
        return pids;
    }

    /**
     * What runs in host i's namespace besides its listening sshd (by PID: a session process of a
     * connection left open counts), each as "PID command line"; empty when nothing else. A
     * connection just closed may take a moment to end there, so this waits for that, up to 15 s.
     */
    public List<String> processesBesidesSshd(int i) throws Exception {
        long sshd = nodes.get(i).sshd().pid();
        List<Long> left = List.of();
        for (int tries = 0; tries < 150; tries++) {
            left = new ArrayList<>(pids(i));
            left.remove(Long.valueOf(sshd));
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        return left.stream().map(p -> p + " " + ProcessHandle.of(p).flatMap(h -> h.info().commandLine()).orElse("?")).toList();
    }

    /** Kills everything in host i's namespace at once (SIGKILL, by PID): the host is gone. */
    public void kill(int i) throws Exception {
        for (long pid : pids(i)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public synchronized void close() {
        for (Node n : nodes) {
            n.sshd().destroyForcibly();
        }
        for (int i = 0; i < nodes.size(); i++) {
            try {
                kill(i);
            } catch (Exception ignored) {
                // the namespace goes anyway
            }
        }
        for (String ns : namespaces) {
            quiet("ip", "netns", "del", ns);
        }
        namespaces.clear();
        for (String l : links) {
            quiet("ip", "link", "del", l);
        }
        links.clear();
        nodes.clear();
        if (runSshdUser != null) {
            RunSshd.release(runSshdUser);
            runSshdUser = null;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // closing from the hook itself
        }
    }

    private static void quiet(String... cmd) {
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(20, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    /** What is left of this class's names on the machine: namespaces and links named isbt<tag>. */
    public String leftovers() throws Exception {
        String ns = run("ip", "netns", "list");
        String links = run("ip", "-o", "link", "show");
        StringBuilder b = new StringBuilder();
        for (String l : (ns + "\n" + links).split("\n")) {
            if (l.contains("isbt" + tag)) {
                b.append(l).append('\n');
            }
        }
        return b.toString();
    }
}
