package io.isobench.agent;

/**
 * A request that did not get a good answer. {@link #broken()} says whether the agent itself can
 * no longer be trusted (it died, hung past its deadline or answered garbage): the environment
 * instance must then be replaced. Otherwise the workload failed and the agent is fine.
 * {@link #death()} is set when the agent is known to have died (exited, was killed, crashed):
 * the one failure that a fresh instance may not repeat, so the runner retries the iteration.
 */
public class AgentException extends Exception {

    private final boolean broken;
    private final Death death;

    public AgentException(String message, boolean broken) {
        super(message);
        this.broken = broken;
        this.death = null;
    }

    /** The agent died: broken, with its death. */
    public AgentException(String message, Death death) {
        super(message);
        this.broken = true;
        this.death = death;
    }

    public boolean broken() {
        return broken;
    }

    /** How the agent died, or null when it did not die (the workload failed, or the agent hung or spoke garbage). */
    public Death death() {
        return death;
    }

    /**
     * How an agent died, read from the evidence its environment keeps (an exit status, a
     * container's state, a guest kernel's log, a JVM crash report).
     *
     * @param cause one line naming the cause, e.g. "OOM-killed by the guest kernel (...)"
     * @param log   where the evidence is kept (agent stderr log, guest console, crash report); may be null
     */
    public record Death(String cause, String log) {

        /** The cause with where to read more. */
        public String describe() {
            return cause + (log == null || log.isBlank() ? "" : " (see " + log + ")");
        }

        /**
         * A process's exit status as a person would say it: "exited with status 1", or for the
         * shell's 128+N convention and Java's {@code Process.exitValue()} of a signalled child,
         * "killed by SIGKILL (status 137)".
         */
        public static String exitStatus(int status) {
            if (status > 128 && status < 128 + 65) {
                int sig = status - 128;
                String name = signalName(sig);
                return (sig == 6 ? "aborted by " : "killed by ") + name + " (status " + status + ")";
            }
            return "exited with status " + status;
        }

        static String signalName(int sig) {
            return switch (sig) {
                case 1 -> "SIGHUP";
                case 2 -> "SIGINT";
                case 3 -> "SIGQUIT";
                case 4 -> "SIGILL";
                case 6 -> "SIGABRT";
                case 7 -> "SIGBUS";
                case 8 -> "SIGFPE";
                case 9 -> "SIGKILL";
                case 11 -> "SIGSEGV";
                case 13 -> "SIGPIPE";
                case 15 -> "SIGTERM";
                default -> "signal " + sig;
            };
        }
    }
}
