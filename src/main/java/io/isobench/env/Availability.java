package io.isobench.env;

/**
 * Whether this host can run an environment, and if not, the command that fixes it.
 *
 * @param detail what was found (engine version, accelerator) or what is missing
 * @param fix    a command that installs or starts what is missing, or null
 */
public record Availability(boolean available, String detail, String fix) {

    public static Availability yes(String detail) {
        return new Availability(true, detail, null);
    }

    public static Availability no(String detail, String fix) {
        return new Availability(false, detail, fix);
    }
}
