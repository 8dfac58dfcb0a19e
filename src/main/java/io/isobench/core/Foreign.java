package io.isobench.core;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one binder of native functions: the few pieces of {@code java.lang.foreign} that isobench's
 * native calls use (liblzma and OpenBLAS in {@code workload.cpu}; libc's mmap, madvise and
 * munmap in {@code workload.syscall.FreshPages}; libc's syscall, errno captured, in
 * {@code workload.storage.LinuxAio}), reached by reflection, and the names of errno values.
 *
 * <p>Why reflection: the project compiles for Java 21, where {@code java.lang.foreign} is a
 * preview API that javac refuses without {@code --enable-preview}; from Java 22 on (the runtime
 * isobench uses) it is final. {@link #load()} fails on a runtime without it, and each caller then
 * says what it could not do. Downcall handles are invoked with {@code invokeWithArguments}: every
 * call crosses into native code that runs for far longer than the reflective dispatch.
 */
public final class Foreign {

    public final Class<?> segmentClass;
    public final Class<?> arenaClass;
    private final Class<?> layoutClass;
    private final Class<?> valueLayoutClass;
    private final Class<?> optionClass;
    private final Object linker;
    private final Object globalArena;
    private final Method libraryLookupByPath;
    private final Method libraryLookupByName;
    private final Method descriptorOf;
    private final Method descriptorOfVoid;
    private final Method downcallHandle;
    private final Method find;
    private final Method defaultLookup;
    private final Method firstVariadicArg;
    private final Method captureCallState;
    private final Method captureStateLayout;

    private Foreign() throws ReflectiveOperationException {
        Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
        Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> descC = Class.forName("java.lang.foreign.FunctionDescriptor");
        segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        arenaClass = Class.forName("java.lang.foreign.Arena");
        layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
        valueLayoutClass = Class.forName("java.lang.foreign.ValueLayout");
        optionClass = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> layouts = Array.newInstance(layoutClass, 0).getClass();
        linker = linkerC.getMethod("nativeLinker").invoke(null);
        globalArena = arenaClass.getMethod("global").invoke(null);
        libraryLookupByPath = lookupC.getMethod("libraryLookup", Path.class, arenaClass);
        libraryLookupByName = lookupC.getMethod("libraryLookup", String.class, arenaClass);
        descriptorOf = descC.getMethod("of", layoutClass, layouts);
        descriptorOfVoid = descC.getMethod("ofVoid", layouts);
        downcallHandle = linkerC.getMethod("downcallHandle", segmentClass, descC, Array.newInstance(optionClass, 0).getClass());
        find = lookupC.getMethod("find", String.class);
        defaultLookup = linkerC.getMethod("defaultLookup");
        firstVariadicArg = optionClass.getMethod("firstVariadicArg", int.class);
        captureCallState = optionClass.getMethod("captureCallState", String[].class);
        captureStateLayout = optionClass.getMethod("captureStateLayout");
    }

    /** The API, or a {@link ReflectiveOperationException} (or a {@link LinkageError}) where this runtime lacks it. */
    public static Foreign load() throws ReflectiveOperationException {
        try {
            return new Foreign();
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        }
    }

    /** A {@code ValueLayout} constant by its field name: JAVA_INT, JAVA_LONG, JAVA_BYTE, ADDRESS. */
    public Object layout(String name) throws ReflectiveOperationException {
        return valueLayoutClass.getField(name).get(null);
    }

    /** The symbols of a library opened by its path (the very instance if it is already loaded). */
    public Object library(Path path) throws ReflectiveOperationException {
        return invoke(libraryLookupByPath, null, path, globalArena);
    }

    /** The symbols of a library opened by its name, as dlopen finds it ("liblzma.so.5"). */
    public Object library(String name) throws ReflectiveOperationException {
        return invoke(libraryLookupByName, null, name, globalArena);
    }

    /** The symbols of the C library (and the rest the linker links by default). */
    public Object libc() throws ReflectiveOperationException {
        return invoke(defaultLookup, linker);
    }

    /**
     * A downcall handle for {@code symbol} of {@code library} returning {@code result} (null for
     * void) and taking {@code args}; empty when the library has no such symbol.
     */
    public Optional<MethodHandle> function(Object library, String symbol, Object result, Object... args) throws ReflectiveOperationException {
        return function(library, symbol, Array.newInstance(optionClass, 0), result, args);
    }

    /** {@link #function}, for a function the library must have: its absence is a {@link NoSuchMethodException} naming it. */
    public MethodHandle required(Object library, String symbol, Object result, Object... args) throws ReflectiveOperationException {
        return function(library, symbol, result, args).orElseThrow(() -> new NoSuchMethodException("the library has no " + symbol + " function"));
    }

    /**
     * A downcall handle for a variadic function the library must have ({@code firstVariadic}: the
     * index of its first variadic argument) that sets errno: the handle takes a capture block first
     * (an {@link #errnoBlockSize}-byte segment), where errno is found at {@link #errnoOffset}.
     */
    public MethodHandle variadicWithErrno(Object library, String symbol, int firstVariadic, Object result, Object... args)
            throws ReflectiveOperationException {
        Object options = Array.newInstance(optionClass, 2);
        Array.set(options, 0, invoke(firstVariadicArg, null, firstVariadic));
        Array.set(options, 1, invoke(captureCallState, null, (Object) new String[] {"errno"}));
        return function(library, symbol, options, result, args)
                .orElseThrow(() -> new NoSuchMethodException("the library has no " + symbol + " function"));
    }

    /** Where errno lies in the capture block of a {@link #variadicWithErrno} handle. */
    public long errnoOffset() throws ReflectiveOperationException {
        Class<?> pathC = Class.forName("java.lang.foreign.MemoryLayout$PathElement");
        Object path = Array.newInstance(pathC, 1);
        Array.set(path, 0, invoke(pathC.getMethod("groupElement", String.class), null, "errno"));
        return (Long) invoke(layoutClass.getMethod("byteOffset", path.getClass()), invoke(captureStateLayout, null), path);
    }

    /** How big the capture block of a {@link #variadicWithErrno} handle is. */
    public long errnoBlockSize() throws ReflectiveOperationException {
        return (Long) invoke(layoutClass.getMethod("byteSize"), invoke(captureStateLayout, null));
    }

    private Optional<MethodHandle> function(Object library, String symbol, Object options, Object result, Object... args)
            throws ReflectiveOperationException {
        Optional<?> address = (Optional<?>) invoke(find, library, symbol);
        if (address.isEmpty()) {
            return Optional.empty();
        }
        Object layouts = Array.newInstance(layoutClass, args.length);
        for (int i = 0; i < args.length; i++) {
            Array.set(layouts, i, args[i]);
        }
        Object descriptor = result == null ? invoke(descriptorOfVoid, null, layouts) : invoke(descriptorOf, null, result, layouts);
        return Optional.of((MethodHandle) invoke(downcallHandle, linker, address.get(), descriptor, options));
    }

    /** The name of an errno value given negated (the kernel's convention), with its number: "EINVAL (22)". */
    public static String errnoName(long negative) {
        int e = (int) -negative;
        return switch (e) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 4 -> "EINTR";
            case 5 -> "EIO";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            case 38 -> "ENOSYS";
            case 95 -> "EOPNOTSUPP";
            default -> "errno " + e;
        } + " (" + e + ")";
    }

    /** The NUL-terminated string at a returned {@code const char *} (read at most 4096 bytes far). */
    public String cString(Object pointer) throws ReflectiveOperationException {
        Object sized = invoke(segmentClass.getMethod("reinterpret", long.class), pointer, 4096L);
        for (String getter : new String[] {"getString", "getUtf8String"}) { // the second is Java 21's name
            try {
                return ((String) invoke(segmentClass.getMethod(getter, long.class), sized, 0L)).trim();
            } catch (NoSuchMethodException e) {
                // the other name
            }
        }
        throw new NoSuchMethodException("MemorySegment.getString");
    }

    /** The exception a reflective call wrapped, or the one given: what to put in a message. */
    public static Throwable cause(Throwable e) {
        return e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
    }

    private static Object invoke(Method m, Object target, Object... args) throws ReflectiveOperationException {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        }
    }

    /** An InvocationTargetException whose message is its cause's, so callers can say why. */
    private static ReflectiveOperationException unwrap(InvocationTargetException e) {
        Throwable c = cause(e);
        if (c instanceof RuntimeException re) {
            throw re;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new ReflectiveOperationException(c.toString(), c);
    }
}
