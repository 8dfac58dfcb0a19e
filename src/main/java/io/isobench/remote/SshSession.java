package io.isobench.remote;

import io.isobench.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

/**
 * One SSH connection to a {@link SshHost} (Apache MINA SSHD's client): the server's key is checked
 * against known_hosts (by default {@code ~/.ssh/known_hosts}) and a host that is not there, or
 * shows another key, is refused with what was seen and the fix. Commands are given as argv and
 * quoted by {@link Shell}; nothing else reaches the remote shell.
 */
public final class SshSession implements AutoCloseable {

    /** How long a connection and its authentication may take. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

    private final SshHost host;
    private final SshClient client;
    private final ClientSession session;
    private final List<ChannelExec> open = new ArrayList<>();

    private SshSession(SshHost host, SshClient client, ClientSession session) {
        this.host = host;
        this.client = client;
        this.session = session;
    }

    public SshHost host() {
        return host;
    }

    private static volatile Path knownHostsOverride;
    private static volatile Path keyOverride;

    /**
     * The known_hosts file and key a run was told to use ({@code --known-hosts}, {@code --ssh-key}),
     * for the connections it makes without a host entry of their own ({@code client=ssh://...}).
     */
    public static void useDefaults(Path knownHosts, Path key) {
        knownHostsOverride = knownHosts;
        keyOverride = key;
    }

    private static volatile boolean agentChosen;
    private static volatile Path agentOverride;

    /** The SSH agent to log in with ({@code --ssh-agent}): its socket, or null for none (key files only). */
    public static void useAgent(Path socket) {
        agentOverride = socket;
        agentChosen = true;
    }

    /** Back to the default: the SSH agent of {@code SSH_AUTH_SOCK}, when set. */
    public static void useAgentFromEnvironment() {
        agentChosen = false;
        agentOverride = null;
    }

    /** The SSH agent's socket connections use: the one given, else {@code SSH_AUTH_SOCK}'s; null for none. */
    public static Path agentSocket() {
        return agentChosen ? agentOverride : AgentSocket.fromEnvironment();
    }

    /** {@code ~/.ssh/known_hosts} of the user running isobench, or the file the run was given. */
    public static Path defaultKnownHosts() {
        Path o = knownHostsOverride;
        return o != null ? o : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
    }

    /** The key files tried when a host names none, those that exist. */
    static List<Path> defaultKeys() {
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        List<Path> keys = new ArrayList<>();
        if (keyOverride != null) {
            keys.add(keyOverride);
            return keys;
        }
        for (String n : List.of("id_ecdsa", "id_rsa", "id_ed25519")) {
            if (Files.isReadable(ssh.resolve(n))) {
                keys.add(ssh.resolve(n));
            }
        }
        return keys;
    }

    /**
     * Connects and logs in.
     *
     * @param knownHosts the known_hosts file the server's key must be in
     * @throws HostKeyRefusedException when the host is not in known_hosts or shows another key
     * @throws IOException             when it cannot be reached or refuses the login, naming the host
     */
    public static SshSession open(SshHost host, Path knownHosts, Duration timeout) throws IOException {
        AtomicReference<String> refusal = new AtomicReference<>();
        Path kh = knownHosts == null ? defaultKnownHosts() : knownHosts;
        KnownHostsServerKeyVerifier verifier = new KnownHostsServerKeyVerifier((s, addr, key) -> {
            refusal.compareAndSet(null, host + " is not in " + kh + " (its key: " + describe(key) + "); isobench does not trust a host on first sight. "
                    + "Fix: check the fingerprint with the host's owner (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub there), then add "
                    + "it: ssh-keyscan -p " + host.port() + " " + host.address() + " >> " + kh);
            return false;
        }, kh) {
            @Override
            public boolean acceptModifiedServerKey(ClientSession s, SocketAddress addr, KnownHostEntry entry, PublicKey expected,
                                                   PublicKey actual) {
                refusal.set("HOST KEY MISMATCH: " + host + " showed " + describe(actual) + ", but " + kh + " holds "
                        + describe(expected) + " for " + (entry.getConfigLine() == null ? host.knownHostsName()
                        : entry.getConfigLine().split("\\s+")[0]) + ". Someone may be in the middle, "
                        + "or the host was reinstalled. isobench refuses to connect. Fix, once you know the new key is right: "
                        + "ssh-keygen -R '" + host.knownHostsName() + "' -f " + kh + ", then add the new key (ssh-keyscan -p "
                        + host.port() + " " + host.address() + " >> " + kh + ")");
                return false;
            }
        };
        List<Path> keys = host.keyFile() != null ? List.of(host.keyFile()) : defaultKeys();
        if (host.keyFile() != null && !Files.isReadable(host.keyFile())) {
            throw new BadInputException(host.where() + ": key file " + host.keyFile() + " of " + host + " cannot be read");
        }
        Path agent = agentSocket();
        if (agent != null && !Files.exists(agent)) {
            throw new BadInputException("the SSH agent's socket " + agent + " does not exist (--ssh-agent, or SSH_AUTH_SOCK): start "
                    + "ssh-agent, or log in with a key file (--ssh-key, key: in hosts:)");
        }
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(verifier);
        client.setKeyIdentityProvider(new FileKeyPairProvider(keys));
        // the agent's keys are tried first, then the key files, as OpenSSH does
        client.setAgentFactory(agent == null ? null : new AgentSocket.Factory(agent));
        client.start();
        ClientSession session = null;
        try {
            session = client.connect(host.user(), host.address(), host.port()).verify(timeout).getSession();
            session.auth().verify(timeout);
            return new SshSession(host, client, session);
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            client.stop();
            if (refusal.get() != null) {
                throw new HostKeyRefusedException(refusal.get(), e);
            }
            throw new IOException("cannot log in to " + host + ": " + rootMessage(e)
                    + (keys.isEmpty() && agent == null ? " (no SSH agent, no key file given and none in ~/.ssh: name one with key: in "
                    + "hosts: or --ssh-key, or start ssh-agent)" : " (tried: " + (agent == null ? "" : "the keys of the SSH agent at " + agent
                    + (keys.isEmpty() ? "" : ", then ")) + (keys.isEmpty() ? "" : "key files " + keys) + ")"), e);
        }
    }

    static String describe(PublicKey key) {
        return KeyUtils.getKeyType(key) + " " + KeyUtils.getFingerPrint(key);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? m : e.getMessage() + " (" + m + ")";
    }

    /** What a finished command left: its exit status and output. */
    public record Result(int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /**
     * Runs a command to its end.
     *
     * @param stdin what to write to its standard input (then closed), or null for nothing
     */
    public Result exec(List<String> argv, InputStream stdin, Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec ch = session.createExecChannel(Shell.commandLine(argv))) {
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(CONNECT_TIMEOUT);
            try (OutputStream in = ch.getInvertedIn()) {
                if (stdin != null) {
                    stdin.transferTo(in);
                }
            }
            var events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException(argv.get(0) + " on " + host + " did not finish within " + timeout.toSeconds() + " s");
            }
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(5));
            Integer exit = ch.getExitStatus();
            return new Result(exit == null ? -1 : exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Runs a command and returns its output, or fails with its error output. */
    public String check(List<String> argv, Duration timeout) throws IOException {
        Result r = exec(argv, null, timeout);
        if (!r.ok()) {
            throw new IOException(String.join(" ", argv) + " on " + host + " failed (exit " + r.exit() + "): " + r.stderr().strip());
        }
        return r.stdout();
    }

    /** A command that keeps running: its output lines go to the consumers as they come. */
    public final class Running implements AutoCloseable {
        private final ChannelExec ch;
        private final OutputStream stdin;

        Running(ChannelExec ch) throws IOException {
            this.ch = ch;
            this.stdin = ch.getInvertedIn();
        }

        /** Its standard input: closing it tells the command the controller is gone. */
        public OutputStream stdin() {
            return stdin;
        }

        /** Waits for its end up to {@code timeout}; null when it has not ended. */
        public Integer waitFor(Duration timeout) {
            var ev = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (ev.contains(ClientChannelEvent.TIMEOUT)) {
                return null;
            }
            Integer s = ch.getExitStatus();
            return s == null ? -1 : s;
        }

        public boolean ended() {
            return ch.isClosed() || ch.isClosing();
        }

        /** The signal that ended it, if the server said. */
        public String exitSignal() {
            return ch.getExitSignal();
        }

        /** Closes its standard input and the channel. */
        @Override
        public void close() {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // the channel goes anyway
            }
            ch.close(false);
        }
    }

    /** Starts a command whose output lines are handed over as they arrive. */
    public Running start(List<String> argv, Consumer<String> stdoutLines, Consumer<String> stderrLines) throws IOException {
        ChannelExec ch = session.createExecChannel(Shell.commandLine(argv));
        ch.setOut(new LineStream(stdoutLines));
        ch.setErr(new LineStream(stderrLines));
        ch.open().verify(CONNECT_TIMEOUT);
        synchronized (open) {
            open.add(ch);
        }
        return new Running(ch);
    }

    /** A command whose standard streams are the caller's to speak over (the agent protocol). */
    public record Raw(ChannelExec channel, InputStream stdout, OutputStream stdin) implements AutoCloseable {
        public boolean alive() {
            return channel.isOpen() && !channel.isClosing();
        }

        @Override
        public void close() {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            channel.close(false);
        }
    }

    /** Starts a command whose stdout and stdin are streams (stderr lines go to {@code stderrLines}). */
    public Raw startRaw(List<String> argv, Consumer<String> stderrLines) throws IOException {
        ChannelExec ch = session.createExecChannel(Shell.commandLine(argv));
        ch.setErr(new LineStream(stderrLines));
        ch.open().verify(CONNECT_TIMEOUT);
        synchronized (open) {
            open.add(ch);
        }
        return new Raw(ch, ch.getInvertedOut(), ch.getInvertedIn());
    }

    /** This machine's address on the connection: where the host reaches us. */
    public String localAddress() {
        return ((java.net.InetSocketAddress) session.getIoSession().getLocalAddress()).getAddress().getHostAddress();
    }

    /** The host's address on the connection. */
    public String remoteAddress() {
        return ((java.net.InetSocketAddress) session.getIoSession().getRemoteAddress()).getAddress().getHostAddress();
    }

    /** Whether the connection is still up. */
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public void close() {
        synchronized (open) {
            for (ChannelExec ch : open) {
                ch.close(true);
            }
        }
        session.close(true);
        client.stop();
    }

    /** Splits bytes into UTF-8 lines and hands each over, without its line end. */
    static final class LineStream extends OutputStream {
        private final Consumer<String> to;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineStream(Consumer<String> to) {
            this.to = to;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void flushLine() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            to.accept(s);
        }

        @Override
        public synchronized void close() {
            if (line.size() > 0) {
                flushLine();
            }
        }
    }
}
