package io.isobench.remote;

import io.isobench.BadInputException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A machine reached over SSH: {@code user@address[:port]} (an IPv6 address in brackets,
 * {@code root@[fd00::2]:2222}), from {@code --host} or a suite's {@code hosts:} list, with the key
 * file to log in with (null: the default identities in {@code ~/.ssh}).
 *
 * @param name    how the host is named in samples, tables and messages (default: the address, with the port when not 22)
 * @param keyFile the private key to authenticate with, or null for ~/.ssh/id_ecdsa, id_rsa, id_ed25519
 * @param where   where it was given, for messages ("--host", "suite.yaml:3:5")
 */
public record SshHost(String name, String user, String address, int port, Path keyFile, String where) {

    public static final int DEFAULT_PORT = 22;

    private static final Pattern SPEC = Pattern.compile("(?:([A-Za-z_][A-Za-z0-9._-]*)@)?(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(?::(\\d+))?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@\\[\\]-]*");

    public SshHost {
        if (user == null || user.isBlank()) {
            user = System.getProperty("user.name", "root");
        }
        if (name == null || name.isBlank()) {
            name = port == DEFAULT_PORT ? address : address + ":" + port;
        }
        if (!NAME.matcher(name).matches()) {
            throw new BadInputException(where + ": host name '" + name + "' may hold letters, digits and . _ - : @ only "
                    + "(it names the host in samples and tables)");
        }
        if (port < 1 || port > 65535) {
            throw new BadInputException(where + ": port " + port + " is out of range 1-65535");
        }
    }

    /**
     * Parses {@code user@address[:port]}; a missing user is the local user's name, a missing port 22.
     * {@code ssh://user@address[:port]} is accepted too (the form {@code client=} takes).
     */
    public static SshHost parse(String text, String where) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("ssh://")) {
            t = t.substring("ssh://".length());
            if (t.endsWith("/")) {
                t = t.substring(0, t.length() - 1);
            }
        }
        Matcher m = SPEC.matcher(t);
        if (!m.matches()) {
            throw new BadInputException(where + ": '" + text + "' is not a host: write user@address[:port], e.g. root@192.0.2.10 "
                    + "or bench@[2001:db8::2]:2222");
        }
        String addr = m.group(2);
        if (addr.startsWith("[")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        int port = DEFAULT_PORT;
        if (m.group(3) != null) {
            try {
                port = Integer.parseInt(m.group(3));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        return new SshHost(null, m.group(1), addr, port, null, where);
    }

    /** The same host logging in with another key file. */
    public SshHost withKey(Path key) {
        return new SshHost(name, user, address, port, key, where);
    }

    /** The same host under another name. */
    public SshHost named(String newName) {
        return new SshHost(newName, user, address, port, keyFile, where);
    }

    /** {@code user@address:port}, as the person wrote it (brackets around an IPv6 address). */
    public String target() {
        String a = address.contains(":") ? "[" + address + "]" : address;
        return user + "@" + a + (port == DEFAULT_PORT ? "" : ":" + port);
    }

    /** How known_hosts names this host: {@code address}, or {@code [address]:port} off port 22. */
    public String knownHostsName() {
        return port == DEFAULT_PORT ? address : "[" + address + "]:" + port;
    }

    /** As a suite writes it, for run.json. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("address", address);
        m.put("user", user);
        m.put("port", port);
        if (keyFile != null) {
            m.put("key", keyFile.toString());
        }
        return m;
    }

    @Override
    public String toString() {
        return name.equals(address) || name.equals(address + ":" + port) ? target() : name + " (" + target() + ")";
    }
}
