package io.isobench.remote;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The SSH agent ({@code ssh-agent}, {@code SSH_AUTH_SOCK}) as MINA SSHD's client asks it for keys
 * and signatures. MINA SSHD speaks the agent protocol itself ({@link AbstractAgentProxy}: the
 * requests, the answers, the key formats); its own transport to a Unix socket needs Tomcat's
 * native APR library, so this class gives it the JDK's Unix-domain socket channel instead: each
 * request is written whole, its answer read whole ({@code uint32} length, then the message).
 * Private keys never leave the agent.
 */
final class AgentSocket extends AbstractAgentProxy {

    /** Longest answer accepted: a list of keys, a signature. */
    private static final int MAX_ANSWER = 256 * 1024;

    private final Path socket;
    private final SocketChannel channel;

    private AgentSocket(Path socket) throws IOException {
        super(null);
        this.socket = socket;
        this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot reach the SSH agent at " + socket + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        channel.write(ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available()));
        ByteBuffer len = ByteBuffer.allocate(4);
        readFully(len);
        int n = len.flip().getInt();
        if (n <= 0 || n > MAX_ANSWER) {
            throw new IOException("the SSH agent at " + socket + " answered a message of " + n + " bytes");
        }
        ByteBuffer body = ByteBuffer.allocate(n);
        readFully(body);
        return new ByteArrayBuffer(body.array());
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new IOException("the SSH agent at " + socket + " closed the connection");
            }
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        super.close();
        channel.close();
    }

    /** What MINA SSHD's client asks for an agent: one connection to the socket per SSH session; no forwarding. */
    static final class Factory implements SshAgentFactory {
        private final Path socket;

        Factory(Path socket) {
            this.socket = socket;
        }

        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return List.of();
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
            return new AgentSocket(socket);
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            throw new UnsupportedOperationException("isobench does not forward the SSH agent");
        }
    }

    /** The agent's socket: {@code SSH_AUTH_SOCK} when it names a socket that exists, else null. */
    static Path fromEnvironment() {
        String s = System.getenv("SSH_AUTH_SOCK");
        return s == null || s.isBlank() || !Files.exists(Path.of(s)) ? null : Path.of(s);
    }
}
