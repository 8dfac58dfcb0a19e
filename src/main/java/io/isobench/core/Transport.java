package io.isobench.core;

/** A network transport a server side needs exposed. */
public enum Transport {
    TCP, UDP;

    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
