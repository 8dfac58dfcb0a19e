package io.isobench.env.vm;

import io.isobench.image.ImageCache;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Our own initial RAM disk, in place of the distribution's: a static busybox, the virtio modules
 * the guest kernel lacks built in, and an {@code /init} that loads them, mounts the root disk and
 * switches to it, running {@link InitScript#PATH}. Debian's initramfs starts udev and probes every
 * device; under TCG that costs seconds per boot, ours does only what a VM of ours needs.
 *
 * <p>Written as a newc cpio archive (the kernel's initramfs format) by this class, cached in the
 * image cache by the hash of its contents.
 */
final class Initrd {

    private static final String BUILDER_VERSION = "1";

    private Initrd() {
    }

    /** The cached initrd for {@code kernel}, built now if missing. */
    @SuppressWarnings("try") // the lock is held by the try block, not used in it
    static Path cached(ImageCache cache, GuestKernel kernel) throws IOException {
        Path busybox = Files.isExecutable(Path.of("/bin/busybox")) ? Path.of("/bin/busybox") : Path.of("/usr/bin/busybox");
        if (!Files.isExecutable(busybox)) {
            throw new IOException("the VM's initrd needs a static busybox: apt-get install busybox-static");
        }
        List<String> modules = loadOrder(kernel.modules(), InitScript.MODULES);
        String init = initScript(modules);
        String hash = ImageCache.hash(BUILDER_VERSION, busybox, kernel.release(), kernel.modules().resolve("modules.dep"), init);
        Path file = cache.images().resolve("vm-initrd-" + hash + ".cpio");
        if (Files.isRegularFile(file)) {
            return file;
        }
        try (FileLock lock = cache.lock("vm-initrd-" + hash)) {
            if (Files.isRegularFile(file)) {
                return file;
            }
            Path tmp = cache.images().resolve("vm-initrd-" + hash + ".partial");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                Cpio cpio = new Cpio(out);
                for (String d : List.of("bin", "dev", "proc", "sys", "newroot", "lib", "lib/modules")) {
                    cpio.dir(d);
                }
                cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
                cpio.file("init", 0755, init.getBytes(StandardCharsets.UTF_8));
                for (String m : modules) {
                    cpio.file("lib/modules/" + m.substring(m.lastIndexOf('/') + 1), 0644, Files.readAllBytes(kernel.modules().resolve(m)));
                }
                cpio.trailer();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** The initrd's /init: load the drivers, wait for the root disk, mount it, switch to it. */
    static String initScript(List<String> modulePaths) {
        StringBuilder insmods = new StringBuilder();
        for (String m : modulePaths) {
            insmods.append("$B insmod /lib/modules/").append(m.substring(m.lastIndexOf('/') + 1)).append(" 2>/dev/null\n");
        }
        return """
                #!/bin/busybox sh
                # isobench initrd: virtio drivers, then the root disk, then the guest's init.
                B=/bin/busybox
                $B mount -t proc proc /proc
                $B mount -t sysfs sys /sys
                $B mount -t devtmpfs dev /dev
                %INSMODS%
                i=0
                while [ ! -b /dev/vda ] && [ $i -lt 300 ]; do $B sleep 0.1; i=$((i+1)); done
                if ! $B mount -t ext4 -o rw /dev/vda /newroot; then
                  echo "isobench-initrd: cannot mount the root disk /dev/vda" > /dev/console
                  $B poweroff -f
                fi
                INIT=%INIT%
                for w in $($B cat /proc/cmdline); do case "$w" in init=*) INIT="${w#init=}";; esac; done
                $B mount --move /dev /newroot/dev
                $B umount /proc /sys
                exec $B switch_root /newroot "$INIT"
                """.replace("%INSMODS%", insmods.toString().strip()).replace("%INIT%", InitScript.PATH);
    }

    /** The modules to load, each after the ones it depends on, as paths relative to the modules folder. */
    static List<String> loadOrder(Path modulesDir, List<String> wanted) throws IOException {
        Map<String, List<String>> deps = new HashMap<>();
        Map<String, String> byName = new HashMap<>();
        for (String line : Files.readAllLines(modulesDir.resolve("modules.dep"))) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String mod = line.substring(0, colon).trim();
            String rest = line.substring(colon + 1).trim();
            deps.put(mod, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            byName.put(Disks.moduleName(mod), mod);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String w : wanted) {
            String path = byName.get(w.replace('-', '_'));
            if (path != null) {
                visit(path, deps, out, new LinkedHashSet<>());
            }
        }
        return new ArrayList<>(out);
    }

    private static void visit(String m, Map<String, List<String>> deps, Set<String> out, Set<String> onPath) {
        if (out.contains(m) || !onPath.add(m)) {
            return;
        }
        for (String d : deps.getOrDefault(m, List.of())) {
            visit(d, deps, out, onPath);
        }
        out.add(m);
    }

    /** A writer of the "newc" cpio format the kernel unpacks into its initramfs. */
    static final class Cpio {
        private final OutputStream out;
        private int ino = 1;

        Cpio(OutputStream out) {
            this.out = out;
        }

        void dir(String name) throws IOException {
            entry(name, 040755, 2, new byte[0]);
        }

        void file(String name, int perm, byte[] data) throws IOException {
            entry(name, 0100000 | perm, 1, data);
        }

        void trailer() throws IOException {
            entry("TRAILER!!!", 0, 1, new byte[0]);
        }

        private void entry(String name, int mode, int nlink, byte[] data) throws IOException {
            byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            h.write("070701".getBytes(StandardCharsets.US_ASCII));
            // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
            for (long f : new long[] {name.equals("TRAILER!!!") ? 0 : ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, 0, 0, n.length, 0}) {
                h.write(String.format("%08x", f).getBytes(StandardCharsets.US_ASCII));
            }
            h.write(n);
            pad(h, h.size());
            out.write(h.toByteArray());
            out.write(data);
            int rest = (4 - data.length % 4) % 4;
            out.write(new byte[rest]);
        }

        private static void pad(ByteArrayOutputStream h, int size) {
            for (int i = size; i % 4 != 0; i++) {
                h.write(0);
            }
        }
    }
}
