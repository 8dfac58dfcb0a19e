package io.isobench.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The one binder of native functions, on the C library of the JVM running the tests. */
class ForeignTest {

    @Test
    void bindsALibcFunctionThatAnswersAsTheJvmKnowsIt() throws Throwable {
        Foreign f = Foreign.load();
        MethodHandle getpid = f.required(f.libc(), "getpid", f.layout("JAVA_INT"));
        assertThat((long) (int) (Integer) getpid.invokeWithArguments()).isEqualTo(ProcessHandle.current().pid());
        assertThat(f.function(f.libc(), "no_such_function_in_libc", f.layout("JAVA_INT"))).isEmpty();
    }

    /** syscall(close, -1) fails with EBADF, read from the errno capture block as LinuxAio reads it. */
    @Test
    void aVariadicCallCapturesErrno() throws Throwable {
        Foreign f = Foreign.load();
        Object jlong = f.layout("JAVA_LONG");
        MethodHandle syscall = f.variadicWithErrno(f.libc(), "syscall", 1, jlong, jlong, jlong, jlong, jlong, jlong, jlong, jlong);
        long close = System.getProperty("os.arch").contains("aarch64") ? 57 : 3;
        Object arena = f.arenaClass.getMethod("ofAuto").invoke(null);
        Object block = f.arenaClass.getMethod("allocate", long.class, long.class).invoke(arena, f.errnoBlockSize(), 8L);
        long r = (Long) syscall.invokeWithArguments(block, close, -1L, 0L, 0L, 0L, 0L, 0L);
        assertThat(r).isEqualTo(-1);
        ByteBuffer view = ((ByteBuffer) f.segmentClass.getMethod("asByteBuffer").invoke(block)).order(ByteOrder.nativeOrder());
        int errno = view.getInt((int) f.errnoOffset());
        assertThat(Foreign.errnoName(-errno)).isEqualTo("EBADF (9)");
    }

    @Test
    void namesErrnoValuesWithTheirNumbers() {
        assertThat(Foreign.errnoName(-22)).isEqualTo("EINVAL (22)");
        assertThat(Foreign.errnoName(-200)).isEqualTo("errno 200 (200)");
    }
}
