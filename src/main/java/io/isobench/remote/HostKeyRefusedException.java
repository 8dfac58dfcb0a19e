package io.isobench.remote;

import java.io.IOException;

/** A host whose key is not in known_hosts, or differs from the one there: never connected to. */
public final class HostKeyRefusedException extends IOException {
    public HostKeyRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
