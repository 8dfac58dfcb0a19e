package io.isobench.client;

import io.isobench.core.Endpoint;
import java.util.Set;

/**
 * How a client outside the host's own stack reaches a server the host reaches at an endpoint.
 * Environments give endpoints as the host sees them; a loopback endpoint means one of two
 * things, told apart by its path:
 * <ul>
 *   <li>a server on the host's own stack listening on every address (a native agent's server,
 *       a container with network=host): any address of the host reaches it, the client uses the
 *       host's address facing it;</li>
 *   <li>a listener bound to 127.0.0.1 only (docker-proxy for network=proxy, QEMU's slirp
 *       forwards): only the host itself reaches it.</li>
 * </ul>
 */
public final class Reach {

    /** Paths of servers on the host's stack that listen on every address: native's and Docker's host network. */
    public static final Set<String> EVERY_HOST_ADDRESS = Set.of("loopback", "docker-host");

    private Reach() {
    }

    public static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    public static boolean listensOnEveryHostAddress(Endpoint ep) {
        return EVERY_HOST_ADDRESS.contains(ep.path());
    }
}
