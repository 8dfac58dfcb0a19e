package io.isobench.client;

import io.isobench.BadInputException;
import io.isobench.remote.SshHost;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the load side of server workloads (tcp_stream, tcp_rr, udp_rr, redis, mysql) runs: the
 * {@code client} setting of a suite ({@code client: netns} or {@code client: {place: netns, link: 10gbit}})
 * and of {@code --client} / {@code --client-link}.
 *
 * <ul>
 *   <li>{@code netns}: a client agent (the same jar) in a network namespace isobench creates, joined
 *       to the host by a veth pair, so traffic enters the host through an interface as from another
 *       machine (the study's second machine, without a second machine);</li>
 *   <li>{@code local}: the host's own network stack (load threads inside isobench);</li>
 *   <li>{@code auto}: netns where the host allows it, else local with a note.</li>
 * </ul>
 *
 * @param place where the load runs
 * @param link  the link speed the client's veth is shaped to (tc tbf), as written (e.g.
 *              {@code 10gbit}); null for no shaping
 * @param host  with {@code client=ssh://user@host[:port]}: the second machine the load runs on, the
 *              study's client machine, across the real network
 */
public record ClientSpec(Place place, String link, SshHost host) {

    /** A place on this machine. */
    public ClientSpec(Place place, String link) {
        this(place, link, null);
    }

    /** The load from another machine over SSH. */
    public static ClientSpec ssh(String text, String where) {
        return new ClientSpec(Place.SSH, null, SshHost.parse(text, where));
    }

    /** Whether {@code text} names a machine ({@code ssh://...}) rather than a place here. */
    public static boolean isSsh(String text) {
        return text != null && text.trim().startsWith("ssh://");
    }

    /** Where the load runs. */
    public enum Place {
        AUTO, NETNS, LOCAL, SSH;

        public String lower() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The setting as users write it in a suite, a flag or {@code --set}. */
    public static final String KEY = "client";
    public static final String LINK_KEY = "link";
    public static final String PLACE_KEY = "place";

    /** What a suite that says nothing means. */
    public static final ClientSpec DEFAULT = new ClientSpec(Place.AUTO, null);

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(bit|kbit|mbit|gbit|tbit)", Pattern.CASE_INSENSITIVE);
    /** tbf shapes from a few Mbit/s; a veth carries tens of Gbit/s at most on today's hosts. */
    static final long MIN_LINK = 1_000_000L;
    static final long MAX_LINK = 400_000_000_000L;

    public ClientSpec {
        if (place == null) {
            place = Place.AUTO;
        }
        if (link != null && (link.isBlank() || link.equalsIgnoreCase("none"))) {
            link = null;
        }
        if (link != null) {
            link = link.trim().toLowerCase(Locale.ROOT);
        }
        if (place == Place.SSH && host == null) {
            throw new BadInputException("client=ssh needs a host: write client=ssh://user@address[:port]");
        }
        if (place != Place.SSH) {
            host = null;
        }
    }

    /**
     * Parses a place as written.
     *
     * @param where where it was given, for messages ("--client", "suite.yaml:4:9")
     */
    public static Place place(String text, String where) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "auto" -> Place.AUTO;
            case "netns" -> Place.NETNS;
            case "local" -> Place.LOCAL;
            default -> throw new BadInputException(where + ": client '" + text + "' is not a place for the load: write netns (a network "
                    + "namespace joined by a veth pair, as from another machine), local (the host's own network stack), auto, or "
                    + "ssh://user@address[:port] (another machine, over SSH)");
        };
    }

    /**
     * The link speed in bits per second, checked; {@code where} names the setting in messages.
     * tc's units: bit, kbit, mbit, gbit, tbit (powers of 1000).
     */
    public static long linkBitsPerSecond(String text, String where) {
        Matcher m = RATE.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new BadInputException(where + ": link '" + text + "' is not a link speed: write e.g. 10gbit, 1gbit or 100mbit "
                    + "(tc's units: bit, kbit, mbit, gbit, tbit), or none");
        }
        double n = Double.parseDouble(m.group(1));
        double scale = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "kbit" -> 1e3;
            case "mbit" -> 1e6;
            case "gbit" -> 1e9;
            case "tbit" -> 1e12;
            default -> 1;
        };
        double bits = n * scale;
        if (bits < MIN_LINK || bits > MAX_LINK) {
            throw new BadInputException(where + ": link " + text + " is out of range: allowed 1mbit to 400gbit");
        }
        return Math.round(bits);
    }

    /** The link in bits per second, or 0 when unshaped. */
    public long linkBits() {
        return link == null ? 0 : linkBitsPerSecond(link, "client.link");
    }

    /**
     * Checks what can be checked without touching the host: the link parses, and a link is asked
     * only where there is a veth to shape.
     */
    public ClientSpec validate(String where) {
        if (link != null) {
            linkBitsPerSecond(link, where);
            if (place == Place.LOCAL || place == Place.SSH) {
                throw new BadInputException(where + ": client.link=" + link + " shapes the client namespace's veth, and client=" + place.lower()
                        + " has none (" + (place == Place.SSH ? "the load crosses the real network to " + host : "the load runs on the host's own stack")
                        + "): write client=netns, or drop the link");
            }
        }
        return this;
    }

    /** The same setting with another place (or link, when {@code newLink} is not null). */
    public ClientSpec with(Place newPlace, String newLink) {
        return new ClientSpec(newPlace == null ? place : newPlace, newLink == null ? link : newLink, newPlace == null ? host : null);
    }

    /**
     * The place to use on this host: {@code auto} becomes netns where {@code netnsUnavailable} is
     * null, else local; the note says what was chosen and why (null when nothing needs saying).
     *
     * @param netnsUnavailable why this host cannot create the client namespace, or null
     */
    public Resolved resolve(String netnsUnavailable, String where) {
        validate(where);
        return switch (place) {
            case SSH -> new Resolved(this, "client=" + sshUrl() + ": the load of server workloads runs on " + host
                    + ", across the real network, against the environments on this machine");
            case LOCAL -> new Resolved(this, "client=local: the load of server workloads runs on the host's own network stack "
                    + "(a published Docker port is then served by docker-proxy, so docker network=nat measures the proxy)");
            case NETNS -> {
                if (netnsUnavailable != null) {
                    throw new BadInputException(where + ": client=netns cannot run here: " + netnsUnavailable
                            + "; run as root with iproute2 (ip netns), or write client=local");
                }
                yield new Resolved(this, null);
            }
            case AUTO -> {
                if (netnsUnavailable == null) {
                    yield new Resolved(new ClientSpec(Place.NETNS, link), null);
                }
                if (link != null) {
                    throw new BadInputException(where + ": client.link=" + link + " needs the client namespace, which this host cannot "
                            + "create (" + netnsUnavailable + "): run as root with iproute2, or drop the link");
                }
                yield new Resolved(new ClientSpec(Place.LOCAL, null), "the load of server workloads runs on the host's own network "
                        + "stack (client=local): " + netnsUnavailable + ", so no client namespace; docker network=nat is then "
                        + "served by docker-proxy");
            }
        };
    }

    /** A place decided for this host, with what to tell the user about it. */
    public record Resolved(ClientSpec spec, String note) {
    }

    /** As a suite writes it: {@code {place: netns, link: 10gbit}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(PLACE_KEY, place == Place.SSH ? sshUrl() : place.lower());
        if (link != null) {
            m.put(LINK_KEY, link);
        }
        return m;
    }

    /** {@code ssh://user@address[:port]}. */
    public String sshUrl() {
        return host == null ? null : "ssh://" + host.target();
    }

    @Override
    public String toString() {
        return (place == Place.SSH ? sshUrl() : place.lower()) + (link == null ? "" : " (link " + link + ")");
    }
}
