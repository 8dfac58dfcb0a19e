package io.isobench.cli;

import io.isobench.BadInputException;
import io.isobench.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The isobench command line. Exit codes: 0 ok, 1 internal error, 2 bad input, 3 some trials failed, 130 interrupted. */
@Command(name = "isobench", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Measures what isolation costs: the same workloads natively, in containers and in VMs, relative to native.",
        subcommands = {RunCommand.class, ReportCommand.class, CompareCommand.class, ListCommand.class, DoctorCommand.class,
                ImageCommand.class, AgentCommand.class, StartupCommand.class, HostsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static final int BAD_INPUT = 2;
    public static final int TRIALS_FAILED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (used by tests without exiting). */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs the command line with its output and messages going to the given writers. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        withHelp(cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            if (t instanceof BadInputException) {
                cmd.getErr().println("isobench: " + t.getMessage());
                return BAD_INPUT;
            }
            cmd.getErr().println("isobench: internal error: " + t);
            t.printStackTrace(cmd.getErr());
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("isobench: " + ex.getMessage());
            c.getErr().println("see: " + c.getCommandSpec().qualifiedName() + " --help");
            return BAD_INPUT;
        });
        return cl.execute(args);
    }

    /** -h/--help (and -V/--version) on every command and subcommand, now and as commands are added. */
    private static void withHelp(CommandLine cl) {
        cl.getCommandSpec().mixinStandardHelpOptions(true);
        cl.getSubcommands().values().forEach(Main::withHelp);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version the build wrote. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"isobench " + Version.get()};
        }
    }
}
