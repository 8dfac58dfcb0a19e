package io.isobench.env.docker;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * An in-memory byte pipe between threads. Unlike {@link java.io.PipedInputStream} it does not
 * care which threads read and write (the JDK's pipe breaks when a writer thread ends, and
 * docker-java's callbacks and the runner's threads come and go); closing the output is end of
 * stream for the reader, closing the input makes later writes fail.
 */
final class BytePipe {

    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int pos;
    private boolean writerClosed;
    private boolean readerClosed;

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (BytePipe.this) {
                if (readerClosed) {
                    throw new IOException("pipe closed by its reader");
                }
                if (writerClosed) {
                    throw new IOException("pipe closed");
                }
                chunks.add(Arrays.copyOfRange(b, off, off + len));
                BytePipe.this.notifyAll();
            }
        }

        @Override
        public void close() {
            synchronized (BytePipe.this) {
                writerClosed = true;
                BytePipe.this.notifyAll();
            }
        }
    };

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            synchronized (BytePipe.this) {
                while (current == null || pos >= current.length) {
                    if (readerClosed) {
                        throw new IOException("pipe closed");
                    }
                    current = chunks.poll();
                    pos = 0;
                    if (current != null) {
                        break;
                    }
                    if (writerClosed) {
                        return -1;
                    }
                    try {
                        BytePipe.this.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while reading the pipe");
                    }
                }
                int n = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, n);
                pos += n;
                return n;
            }
        }

        @Override
        public int available() {
            synchronized (BytePipe.this) {
                return current == null ? 0 : current.length - pos;
            }
        }

        @Override
        public void close() {
            synchronized (BytePipe.this) {
                readerClosed = true;
                chunks.clear();
                BytePipe.this.notifyAll();
            }
        }
    };

    OutputStream output() {
        return out;
    }

    /** End of stream for the reader, once it has read what was written. */
    void closeWriter() {
        synchronized (this) {
            writerClosed = true;
            notifyAll();
        }
    }

    InputStream input() {
        return in;
    }
}
