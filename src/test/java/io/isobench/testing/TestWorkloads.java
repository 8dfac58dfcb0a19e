package io.isobench.testing;

import io.isobench.result.Measurement;
import io.isobench.result.WorkloadResult;
import io.isobench.core.Endpoint;
import io.isobench.workload.HostContext;
import io.isobench.workload.InsideContext;
import io.isobench.core.ParamSpec;
import io.isobench.core.ParamType;
import io.isobench.core.Params;
import io.isobench.workload.ServerSide;
import io.isobench.workload.ServerWorkload;
import io.isobench.workload.Workload;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Random;

/**
 * Workloads that exist only on the test classpath (registered in src/test/resources), to drive
 * the runner, the agent and the statistics through paths real kernels rarely take: a known
 * constant, seeded noise, an agent that dies, and a tiny server side.
 */
public final class TestWorkloads {

    private TestWorkloads() {
    }

    /** Reports {@code value} every time, plus the same figure labelled (a sweep point). */
    public static final class Constant implements Workload {
        @Override
        public String name() {
            return "test_constant";
        }

        @Override
        public io.isobench.workload.WorkloadFamily family() {
            return io.isobench.workload.WorkloadFamily.COMPUTE;
        }

        @Override
        public String description() {
            return "test: a constant figure";
        }

        @Override
        public List<ParamSpec> params() {
            return List.of(ParamSpec.of("value", ParamType.DOUBLE, "the figure").defaultValue(1.0).min(0).build(),
                    ParamSpec.of("size", ParamType.SIZE, "a size, for type tests").defaultValue(1024L).range(1, 1L << 30).build(),
                    ParamSpec.of("mode", ParamType.CHOICE, "a choice, for type tests").defaultValue("a").choices("a", "b").build(),
                    ParamSpec.of("sleep", ParamType.DURATION, "time spent per iteration").defaultValue("0ms").build(),
                    ParamSpec.of("deadline", ParamType.DURATION, "the agent's deadline per iteration").defaultValue("60s").build());
        }

        @Override
        public java.time.Duration deadline(Params p) {
            return java.time.Duration.ofMillis(p.getMillis("deadline"));
        }

        @Override
        public WorkloadResult runInside(Params p, InsideContext ctx) throws InterruptedException {
            Thread.sleep(p.getMillis("sleep"));
            double v = p.getDouble("value");
            return WorkloadResult.builder().higher("value", v, "units")
                    .add(new Measurement("value", v * 2, "units", io.isobench.result.Direction.HIGHER).withLabel("clients", 2))
                    .fact("data_dir", ctx.dataDir().toString()).build();
        }
    }

    /** Gaussian noise around {@code mean} with standard deviation {@code sd}. */
    public static final class Noise implements Workload {
        private static final Random RANDOM = new Random(11);

        @Override
        public String name() {
            return "test_noise";
        }

        @Override
        public io.isobench.workload.WorkloadFamily family() {
            return io.isobench.workload.WorkloadFamily.COMPUTE;
        }

        @Override
        public String description() {
            return "test: noisy figures";
        }

        @Override
        public List<ParamSpec> params() {
            return List.of(ParamSpec.of("mean", ParamType.DOUBLE, "mean").defaultValue(100.0).build(),
                    ParamSpec.of("sd", ParamType.DOUBLE, "standard deviation").defaultValue(30.0).min(0).build());
        }

        @Override
        public WorkloadResult runInside(Params p, InsideContext ctx) {
            return WorkloadResult.builder().higher("value", p.getDouble("mean") + p.getDouble("sd") * RANDOM.nextGaussian(), "units").build();
        }
    }

    /**
     * Kills the agent's JVM on the spot, as a crash or the OOM killer would: every time, or with
     * {@code once=FILE} only the first time (the file remembers it across agents).
     */
    public static final class Exit implements Workload {
        @Override
        public String name() {
            return "test_exit";
        }

        @Override
        public io.isobench.workload.WorkloadFamily family() {
            return io.isobench.workload.WorkloadFamily.COMPUTE;
        }

        @Override
        public String description() {
            return "test: the agent dies";
        }

        @Override
        public List<ParamSpec> params() {
            return List.of(ParamSpec.of("once", ParamType.STRING, "a file: die only while it does not exist (it is created)")
                    .defaultValue("").build());
        }

        @Override
        public WorkloadResult runInside(Params p, InsideContext ctx) throws java.io.IOException {
            String once = p.getString("once");
            if (!once.isEmpty() && java.nio.file.Files.exists(java.nio.file.Path.of(once))) {
                return WorkloadResult.builder().higher("value", 1, "units").build();
            }
            if (!once.isEmpty()) {
                java.nio.file.Files.writeString(java.nio.file.Path.of(once), "died once\n");
            }
            System.err.println("test_exit: halting the agent");
            Runtime.getRuntime().halt(7);
            return null;
        }
    }

    /**
     * Crashes the agent's JVM as a bug in native code would: libc's memset on address 0 (a
     * SIGSEGV in native code, which the JVM reports in a crash report before it aborts).
     */
    public static final class Crash implements Workload {
        @Override
        public String name() {
            return "test_crash";
        }

        @Override
        public String description() {
            return "test: the agent's JVM crashes in native code";
        }

        @Override
        public io.isobench.workload.WorkloadFamily family() {
            return io.isobench.workload.WorkloadFamily.COMPUTE;
        }

        @Override
        public List<ParamSpec> params() {
            return List.of();
        }

        /** Through reflection: the project compiles for Java 21, where java.lang.foreign is a preview API. */
        @Override
        public WorkloadResult runInside(Params p, InsideContext ctx) throws Exception {
            Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
            Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayoutC = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> descC = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
            Object linker = linkerC.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerC.getMethod("defaultLookup").invoke(linker);
            Object memset = ((java.util.Optional<?>) lookupC.getMethod("find", String.class).invoke(lookup, "memset")).orElseThrow();
            Object args = java.lang.reflect.Array.newInstance(layoutC, 3);
            java.lang.reflect.Array.set(args, 0, valueLayoutC.getField("ADDRESS").get(null));
            java.lang.reflect.Array.set(args, 1, valueLayoutC.getField("JAVA_INT").get(null));
            java.lang.reflect.Array.set(args, 2, valueLayoutC.getField("JAVA_LONG").get(null));
            Object desc = descC.getMethod("of", layoutC, args.getClass()).invoke(null, valueLayoutC.getField("ADDRESS").get(null), args);
            java.lang.invoke.MethodHandle mh = (java.lang.invoke.MethodHandle) linkerC.getMethod("downcallHandle", segmentC, descC,
                    java.lang.reflect.Array.newInstance(optionC, 0).getClass()).invoke(linker, memset, desc, java.lang.reflect.Array.newInstance(optionC, 0));
            try {
                mh.invokeWithArguments(segmentC.getField("NULL").get(null), 0, 64L);
            } catch (Throwable t) {
                throw new IllegalStateException("memset on address 0 threw instead of crashing", t);
            }
            throw new IllegalStateException("memset on address 0 returned");
        }
    }

    /** Throws: the workload fails but the agent survives. */
    public static final class Fail implements Workload {
        @Override
        public String name() {
            return "test_fail";
        }

        @Override
        public io.isobench.workload.WorkloadFamily family() {
            return io.isobench.workload.WorkloadFamily.COMPUTE;
        }

        @Override
        public String description() {
            return "test: the workload fails";
        }

        @Override
        public List<ParamSpec> params() {
            return List.of();
        }

        @Override
        public WorkloadResult runInside(Params p, InsideContext ctx) {
            throw new IllegalStateException("verification failed on purpose");
        }
    }

    /** A TCP server inside that answers each int with int+1; the host counts round trips. */
    public static final class Echo implements ServerWorkload {
        @Override
        public String name() {
            return "test_echo";
        }

        @Override
        public io.isobench.workload.WorkloadFamily family() {
            return io.isobench.workload.WorkloadFamily.COMPUTE;
        }

        @Override
        public String description() {
            return "test: a server side";
        }

        @Override
        public List<ParamSpec> params() {
            return List.of(ParamSpec.of("count", ParamType.INT, "round trips").defaultValue(50).min(1).build(),
                    ParamSpec.of("hold", ParamType.DURATION, "time the load side waits before its round trips").defaultValue("0ms").build(),
                    ParamSpec.of("fail", ParamType.BOOL, "the load side fails after its round trips").defaultValue(false).build());
        }

        @Override
        public ServerSide startServer(Params p, InsideContext ctx, int port) throws Exception {
            ServerSocket ss = new ServerSocket();
            ss.bind(new InetSocketAddress(port));
            int[] served = new int[1];
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = ss.accept(); var in = new DataInputStream(s.getInputStream());
                     var out = new DataOutputStream(s.getOutputStream())) {
                    while (true) {
                        out.writeInt(in.readInt() + 1);
                        out.flush();
                        served[0]++;
                    }
                } catch (Exception done) {
                    // the client closed
                }
            });
            return new ServerSide() {
                @Override
                public java.util.Map<String, Object> facts() {
                    return java.util.Map.of("port", port);
                }

                @Override
                public WorkloadResult stop() throws Exception {
                    ss.close();
                    t.join(2000);
                    return WorkloadResult.builder().higher("served", served[0], "requests").build();
                }
            };
        }

        @Override
        public WorkloadResult drive(Params p, Endpoint ep, HostContext ctx) throws Exception {
            int n = p.getInt("count");
            Thread.sleep(p.getMillis("hold"));
            try (Socket s = new Socket(ep.host(), ep.port()); var in = new DataInputStream(s.getInputStream());
                 var out = new DataOutputStream(s.getOutputStream())) {
                for (int i = 0; i < n; i++) {
                    out.writeInt(i);
                    out.flush();
                    if (in.readInt() != i + 1) {
                        throw new IllegalStateException("wrong answer");
                    }
                }
            }
            if (p.getBool("fail")) {
                throw new IllegalStateException("the load side failed on purpose");
            }
            return WorkloadResult.builder().higher("round_trips", n, "requests").fact("path", ep.path()).build();
        }
    }
}
