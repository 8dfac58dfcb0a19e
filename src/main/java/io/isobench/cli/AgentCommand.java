package io.isobench.cli;

import io.isobench.inside.Agent;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The in-environment entry point: speaks the agent protocol on stdin/stdout. Hidden from help. */
@Command(name = "agent", hidden = true, description = "Serve the agent protocol on stdin/stdout (started by isobench inside an environment).")
final class AgentCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Agent.runOnStdio();
        return 0;
    }
}
