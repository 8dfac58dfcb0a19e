package io.isobench.env.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The container's stdio, attached through the Engine API ({@code POST /containers/ID/attach}
 * with stdin, hijacked connection). Without a TTY the engine multiplexes stdout and stderr into
 * frames; docker-java splits them and this class sends stdout to the agent protocol and stderr to
 * a log file kept with the run. Attaching happens before the container starts, so nothing the
 * agent writes is missed.
 */
final class AttachedStdio implements AutoCloseable {

    private final BytePipe stdin = new BytePipe();
    private final BytePipe stdout = new BytePipe();
    private final OutputStream stderrLog;
    private final Callback callback = new Callback();
    private volatile boolean ended;
    private volatile Throwable error;

    private AttachedStdio(Path stderrLog) throws IOException {
        Files.createDirectories(stderrLog.getParent());
        this.stderrLog = Files.newOutputStream(stderrLog, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Attaches to a created (not yet started) container and waits until the engine has answered
     * the attach, so that starting it next loses no output.
     */
    static AttachedStdio attach(DockerEngine engine, String containerId, Path stderrLog, Duration timeout)
            throws IOException, InterruptedException {
        AttachedStdio a = new AttachedStdio(stderrLog);
        try {
            engine.streaming().attachContainerCmd(containerId).withStdIn(a.stdin.input()).withStdOut(true).withStdErr(true)
                    .withFollowStream(true).withLogs(false).exec(a.callback);
            if (!a.callback.awaitStarted(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the engine did not answer the attach to container " + containerId + " within "
                        + timeout.toSeconds() + " s");
            }
            if (a.error != null) {
                throw new IOException("attaching to container " + containerId + " failed: " + a.error.getMessage(), a.error);
            }
            return a;
        } catch (IOException | InterruptedException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** What the agent writes on stdout: the protocol's responses. */
    InputStream fromAgent() {
        return stdout.input();
    }

    /** The agent's stdin: the protocol's requests. */
    OutputStream toAgent() {
        return stdin.output();
    }

    /** True once the engine closed the attach stream (the container stopped or the engine went away). */
    boolean ended() {
        return ended;
    }

    /** Why the stream ended, when it ended by an error. */
    String endReason() {
        Throwable t = error;
        return t == null ? (ended ? "the attach stream ended" : "attached") : "the attach stream failed: " + t.getMessage();
    }

    @Override
    public void close() {
        stdin.closeWriter();
        try {
            callback.close();
        } catch (IOException ignored) {
            // the stream may already be gone
        }
        stdout.closeWriter();
        try {
            stderrLog.close();
        } catch (IOException ignored) {
            // a log that cannot be closed loses nothing the run needs
        }
    }

    private final class Callback extends ResultCallback.Adapter<Frame> {
        @Override
        public void onNext(Frame frame) {
            try {
                switch (frame.getStreamType()) {
                    case STDOUT, RAW -> stdout.output().write(frame.getPayload());
                    case STDERR -> {
                        synchronized (stderrLog) {
                            stderrLog.write(frame.getPayload());
                            stderrLog.flush();
                        }
                    }
                    default -> {
                        // the engine never echoes stdin without a TTY
                    }
                }
            } catch (IOException e) {
                // the reader went away (instance closing): drop the output
            }
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            end();
            super.onError(throwable);
        }

        @Override
        public void onComplete() {
            end();
            super.onComplete();
        }

        private void end() {
            ended = true;
            stdout.closeWriter();
        }
    }
}
