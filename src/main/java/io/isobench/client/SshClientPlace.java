package io.isobench.client;

import io.isobench.agent.AgentClient;
import io.isobench.agent.AgentLauncher;
import io.isobench.agent.Protocol;
import io.isobench.core.Endpoint;
import io.isobench.core.Files2;
import io.isobench.env.Cleanup;
import io.isobench.remote.RemoteIsobench;
import io.isobench.remote.SshHost;
import io.isobench.remote.SshSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The load side on a second machine ({@code client=ssh://user@b}), the study's client machine: a
 * client agent (the same jar, on the JRE isobench brought there) started over SSH, speaking the
 * agent protocol over the channel's stdio, driving its load across the real network at the
 * environments on this machine. Servers on this machine's stack are reached at this machine's
 * address on the SSH connection (where Docker's NAT publishes its ports too); a listener bound to
 * loopback, or an address only this machine routes (a container's bridge address, a VM's tap),
 * cannot be reached from there, and the load of those runs on this machine's stack, said in the facts.
 * The agent is stopped at the end, on failure and on Ctrl-C (closing the channel ends it there).
 */
public final class SshClientPlace extends AgentPlace {

    private final SshHost host;
    private final SshSession session;
    private final RemoteIsobench remote;
    private final String runId;
    private final Path log;
    private final Cleanup.Handle handle;
    private SshSession.Raw channel;

    private SshClientPlace(SshHost host, SshSession session, RemoteIsobench remote, String runId, Path log, Cleanup.Handle handle) {
        this.host = host;
        this.session = session;
        this.remote = remote;
        this.runId = runId;
        this.log = log;
        this.handle = handle;
    }

    /** Connects, brings isobench there when needed and starts the client agent. */
    public static SshClientPlace start(String runId, SshHost host, Path logDir, Cleanup cleanup, Duration bootTimeout) throws Exception {
        SshSession s = SshSession.open(host, null, SshSession.CONNECT_TIMEOUT);
        Cleanup.Handle h = cleanup.register("client agent on " + host, s::close);
        try {
            RemoteIsobench r = RemoteIsobench.ensure(s);
            SshClientPlace c = new SshClientPlace(host, s, r, runId, logDir.resolve("agent-client-ssh.log"), h);
            c.startAgent(bootTimeout);
            return c;
        } catch (Exception | Error e) {
            h.close();
            throw e;
        }
    }

    @Override
    protected void startAgent(Duration bootTimeout) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(remote.dir() + "/jre/bin/java");
        argv.addAll(AgentLauncher.defaultJvmOptions());
        argv.add("-D" + AgentLauncher.RUN_PROPERTY + "=" + runId);
        argv.addAll(List.of("-cp", remote.dir() + "/isobench.jar", AgentLauncher.MAIN, "agent"));
        SshSession.Raw raw = session.startRaw(argv, line -> {
            try {
                Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException ignored) {
                // the log is a help
            }
        });
        AgentClient a = new AgentClient("client agent on " + host, raw.stdout(), raw.stdin(),
                () -> "connection " + (raw.alive() ? "open" : "closed") + "; stderr tail (" + log + "):\n" + Files2.tail(log, 2000));
        try {
            Map<String, Object> inside = a.call(new Protocol.Hello(null), bootTimeout).facts();
            Map<String, Object> f = new LinkedHashMap<>();
            for (String k : List.of("hostname", "kernel", "jvm", "ns_net")) {
                if (inside != null && inside.get(k) != null) {
                    f.put(k, String.valueOf(inside.get(k)));
                }
            }
            agentFacts = f;
        } catch (Exception e) {
            a.close();
            raw.close();
            throw e;
        }
        channel = raw;
        agent = a;
        agentStarts++;
    }

    @Override
    public String kind() {
        return "ssh";
    }

    @Override
    public String hostAddress() {
        return session.localAddress();
    }

    @Override
    public Optional<Endpoint> reach(Endpoint fromHost) {
        String via = host.name() + " over the network -> " + fromHost.path();
        if (Reach.loopback(fromHost.host())) {
            return Reach.listensOnEveryHostAddress(fromHost) ? Optional.of(new Endpoint(hostAddress(), fromHost.port(), via)) : Optional.empty();
        }
        if (fromHost.host().equals(hostAddress())) {
            return Optional.of(new Endpoint(fromHost.host(), fromHost.port(), via));
        }
        return Optional.empty();
    }

    @Override
    public String unreachableReason(Endpoint fromHost) {
        return Reach.loopback(fromHost.host())
                ? fromHost.path() + " listens on this machine's loopback only (" + fromHost.host() + "), which " + host + " cannot reach"
                : fromHost.path() + " is at " + fromHost.host() + ", an address only this machine routes to; " + host
                + " reaches this machine at " + hostAddress() + " (use docker network=nat or host, or a VM's tap with a route there)";
    }

    @Override
    protected boolean agentAlive() {
        return channel != null && channel.alive();
    }

    @Override
    protected void dropAgent() {
        channel.close();
    }

    @Override
    public Map<String, Object> facts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("place", kind());
        m.put("client_host", host.name());
        m.put("client_target", host.target());
        m.put("client_address", session.remoteAddress());
        m.put("host_address", hostAddress());
        m.put("path", "over the network from " + host.name() + " (" + session.remoteAddress() + ") to this machine (" + hostAddress() + ")");
        putAgentFacts(m);
        return m;
    }

    @Override
    public void close() {
        shutdownAgent();
        if (channel != null) {
            channel.close();
        }
        handle.close();
    }
}
