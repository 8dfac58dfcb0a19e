package io.isobench.run;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Ctrl-C handled by isobench instead of the JVM's default (which starts shutting down at once and
 * ignores a second Ctrl-C): the first press asks the run to stop and tear down in order, later
 * presses say what is still being removed. SIGTERM keeps the JVM's default (shutdown hooks).
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported, in every JDK), through reflection so
 * the build carries no internal-API warnings; where it cannot be used, nothing is installed and the
 * JVM's default stays, with the run's shutdown hook.
 */
public final class CtrlC implements AutoCloseable {

    private final Object previous;

    private CtrlC(Object previous) {
        this.previous = previous;
    }

    /**
     * Handles SIGINT until closed.
     *
     * @param onPress called on the signal's thread with 1 for the first press, 2 for the second, ...
     */
    public static CtrlC install(IntConsumer onPress) {
        AtomicInteger presses = new AtomicInteger();
        try {
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(CtrlC.class.getClassLoader(), new Class<?>[] {handlerType}, (proxy, m, args) -> {
                if (m.getName().equals("handle")) {
                    onPress.accept(presses.incrementAndGet());
                    return null;
                }
                return switch (m.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "isobench Ctrl-C handler";
                };
            });
            return new CtrlC(handle(handler));
        } catch (ReflectiveOperationException | IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            return new CtrlC(null); // the JVM's default: shutdown hooks
        }
    }

    /** Installs {@code handler} for SIGINT and returns the one it replaces. */
    private static Object handle(Object handler) throws ReflectiveOperationException {
        Class<?> signalType = Class.forName("sun.misc.Signal");
        Object sigint = signalType.getConstructor(String.class).newInstance("INT");
        Method handle = signalType.getMethod("handle", signalType, Class.forName("sun.misc.SignalHandler"));
        return handle.invoke(null, sigint, handler);
    }

    @Override
    public void close() {
        if (previous != null) {
            try {
                handle(previous);
            } catch (ReflectiveOperationException e) {
                // leaving ours in place is harmless: the run is over
            }
        }
    }
}
