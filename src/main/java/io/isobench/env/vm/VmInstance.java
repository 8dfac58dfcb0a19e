package io.isobench.env.vm;

import com.fasterxml.jackson.databind.JsonNode;
import io.isobench.agent.AgentClient;
import io.isobench.agent.Protocol;
import io.isobench.env.Cleanup;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.Variant;
import io.isobench.core.Endpoint;
import io.isobench.core.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running VM: its QEMU process, the QMP monitor, the agent on the virtio-serial port, and what
 * it created (disks in its folder, a tap device and bridge). Closing it asks the agent to stop,
 * QEMU to quit, kills QEMU by its PID if it does not, then removes the network and the folder.
 */
final class VmInstance implements EnvironmentInstance {

    private final Variant variant;
    private final Process qemu;
    private final QmpClient qmp;
    private final AgentClient agent;
    private final Map<String, Object> insideFacts;
    private final Map<String, Object> facts;
    private final boolean emulated;
    private final List<Integer> serverPorts;
    private final Map<Integer, Integer> hostPortByInside;
    private final TapNetwork tap;
    private final List<Cleanup.Handle> handles;
    private final ConsoleWatch watch;

    /**
     * @param hostPortByInside for user networking, the 127.0.0.1 port forwarded to each inside port
     * @param tap              for tap networking, the network; else null
     * @param handles          what to remove on close, newest first (QEMU, network, folder)
     */
    VmInstance(Variant variant, Process qemu, QmpClient qmp, AgentClient agent, Map<String, Object> insideFacts,
               Map<String, Object> facts, boolean emulated, List<Integer> serverPorts, Map<Integer, Integer> hostPortByInside,
               TapNetwork tap, List<Cleanup.Handle> handles, ConsoleWatch watch) {
        this.variant = variant;
        this.qemu = qemu;
        this.qmp = qmp;
        this.agent = agent;
        // facts are built once, in start(), and read only from here on
        this.insideFacts = java.util.Collections.unmodifiableMap(insideFacts);
        this.facts = java.util.Collections.unmodifiableMap(facts);
        this.emulated = emulated;
        this.serverPorts = List.copyOf(serverPorts);
        this.hostPortByInside = Map.copyOf(hostPortByInside);
        this.tap = tap;
        this.handles = List.copyOf(handles);
        this.watch = watch;
    }

    @Override
    public Variant variant() {
        return variant;
    }

    @Override
    public AgentClient agent() {
        return agent;
    }

    @Override
    public Map<String, Object> insideFacts() {
        return insideFacts;
    }

    @Override
    public Map<String, Object> facts() {
        return facts;
    }

    @Override
    public boolean emulated() {
        return emulated;
    }

    @Override
    public List<Integer> serverPorts() {
        return serverPorts;
    }

    @Override
    public Endpoint endpoint(int insidePort, Transport transport) {
        if (tap != null) {
            return new Endpoint(tap.guestIp(), insidePort, "tap-bridge " + tap.bridge() + (facts.get("vhost") == Boolean.TRUE ? " (vhost-net)" : ""));
        }
        Integer host = hostPortByInside.get(insidePort);
        if (host == null) {
            throw new IllegalArgumentException("port " + insidePort + " of " + variant.label() + " is not forwarded; servers may bind to "
                    + serverPorts);
        }
        return new Endpoint("127.0.0.1", host, "slirp hostfwd " + transport.lower());
    }

    /** The QMP monitor, for facts a test or a report wants to read back (query-block, query-status). */
    QmpClient qmp() {
        return qmp;
    }

    /** QEMU's process id. */
    long pid() {
        return qemu.pid();
    }

    @Override
    public void pause() throws IOException {
        qmp.execute("stop", Map.of(), Duration.ofSeconds(10));
    }

    @Override
    public void resume() throws IOException {
        qmp.execute("cont", Map.of(), Duration.ofSeconds(10));
    }

    /** QEMU's resident set: guest memory the guest has touched plus QEMU's own. */
    @Override
    public long hostMemoryBytes() {
        return io.isobench.host.HostFacts.SysFiles.residentBytes(qemu.pid());
    }

    @Override
    public boolean alive() {
        return qemu.isAlive();
    }

    @Override
    public void close() {
        boolean died = agent.broken() || !qemu.isAlive();
        if (qemu.isAlive() && !agent.broken()) {
            try {
                agent.call(new Protocol.Shutdown(), Duration.ofSeconds(10));
            } catch (Exception ignored) {
                // QEMU is stopped below whatever the agent says
            }
        }
        if (qemu.isAlive()) {
            try {
                qmp.execute("quit", Map.of(), Duration.ofSeconds(5));
            } catch (IOException ignored) {
                // QEMU may close the monitor before it answers; the process is waited for below
            }
            try {
                qemu.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (died) {
            // the agent died, maybe between requests: a crash report the init copied to the console is saved with the run's logs
            watch.death();
        }
        agent.close();
        qmp.close();
        for (Cleanup.Handle h : handles) {
            h.close();
        }
    }

    /** Facts read back from QEMU: each vCPU's host thread and its CPU affinity. */
    static List<Map<String, Object>> vcpuThreads(long qemuPid, JsonNode cpus) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (JsonNode c : cpus) {
            long tid = c.path("thread-id").asLong();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cpu", c.path("cpu-index").asInt());
            m.put("thread_id", tid);
            m.put("thread_name", HostCpus.threadName(qemuPid, tid));
            m.put("affinity", HostCpus.affinity(qemuPid, tid));
            out.add(m);
        }
        return out;
    }

    /** Facts from query-block: each disk's format, file and cache mode as QEMU applied them. */
    static List<Map<String, Object>> blockDevices(JsonNode blocks) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (JsonNode b : blocks) {
            JsonNode ins = b.path("inserted");
            if (ins.isMissingNode()) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", b.path("device").asText());
            m.put("format", ins.path("drv").asText());
            m.put("file", ins.path("file").asText());
            m.put("cache", cacheMode(ins.path("cache")));
            JsonNode backing = ins.path("image").path("backing-image");
            if (!backing.isMissingNode()) {
                m.put("backing_format", backing.path("format").asText());
                m.put("backing_file", backing.path("filename").asText());
            }
            out.add(m);
        }
        return out;
    }

    /** QEMU's cache flags back to the mode name users write: none, writeback, writethrough, directsync, unsafe. */
    static String cacheMode(JsonNode cache) {
        boolean wb = cache.path("writeback").asBoolean();
        boolean direct = cache.path("direct").asBoolean();
        boolean noFlush = cache.path("no-flush").asBoolean();
        if (noFlush) {
            return "unsafe";
        }
        if (direct) {
            return wb ? "none" : "directsync";
        }
        return wb ? "writeback" : "writethrough";
    }
}
