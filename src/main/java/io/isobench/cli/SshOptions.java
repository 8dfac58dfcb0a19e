package io.isobench.cli;

import io.isobench.remote.SshHost;
import io.isobench.remote.SshSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of every command that reaches machines over SSH ({@code run}, {@code doctor},
 * {@code hosts}): which hosts, how to log in (a key file, the SSH agent) and the known_hosts file
 * their keys are checked against. One picocli mixin, so the commands say the same thing.
 */
final class SshOptions {

    @Option(names = "--host", paramLabel = "USER@ADDRESS[:PORT]", description = {
            "a machine over SSH (repeatable); run: run there instead of here (several: a fleet, every host at once, each",
            "against its own native baseline), replacing the suite's hosts: list; doctor, hosts: that machine.",
            "isobench copies itself and its JRE there (see: isobench hosts)"})
    List<String> hostSpecs = new ArrayList<>();

    @Option(names = "--ssh-key", paramLabel = "FILE", description = {
            "the private key for --host and client=ssh:// (default: the SSH agent's keys, then ~/.ssh/id_ecdsa, id_rsa, id_ed25519)"})
    Path sshKey;

    @Option(names = "--ssh-agent", paramLabel = "SOCKET|none", description = {
            "the SSH agent to log in with, its keys tried first (default: $SSH_AUTH_SOCK when set); none: key files only"})
    String sshAgent;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "check the hosts' keys against this file (default: ~/.ssh/known_hosts)")
    Path knownHosts;

    /** The --host hosts, each with --ssh-key when given; empty when none was named. */
    List<SshHost> hosts() {
        List<SshHost> hosts = new ArrayList<>();
        for (String h : hostSpecs) {
            SshHost parsed = SshHost.parse(h, "--host " + h);
            hosts.add(sshKey == null ? parsed : parsed.withKey(sshKey));
        }
        return hosts;
    }

    /**
     * Makes --known-hosts, --ssh-key and --ssh-agent the defaults of every connection this command
     * makes, those without a host entry of their own (client=ssh://) included.
     */
    void apply() {
        SshSession.useDefaults(knownHosts, sshKey);
        if (sshAgent == null) {
            SshSession.useAgentFromEnvironment();
        } else {
            SshSession.useAgent("none".equals(sshAgent) ? null : Path.of(sshAgent));
        }
    }
}
