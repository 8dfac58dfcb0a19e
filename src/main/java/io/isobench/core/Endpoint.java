package io.isobench.core;

/**
 * Where the host reaches a server inside an environment: loopback natively or through a published
 * port, the container's own address on a bridge, a forwarded port into a VM.
 *
 * @param path how the traffic travels, for the record (e.g. "loopback", "docker-nat", "slirp")
 */
public record Endpoint(String host, int port, String path) {

    @Override
    public String toString() {
        return host + ":" + port + " (" + path + ")";
    }
}
