package io.isobench.env.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The kernel a guest boots: a Debian kernel installed on the host (the cloud flavour,
 * {@code linux-image-cloud-amd64}, preferred: small, with the virtio drivers) and its modules, whose
 * virtio drivers go into our own initrd ({@link Initrd}) and onto the root disk.
 *
 * @param release e.g. {@code 6.1.0-56-cloud-amd64}
 */
record GuestKernel(String release, Path kernel, Path modules) {

    static final String FIX = "apt-get install linux-image-cloud-amd64 (or run scripts/setup-host.sh)";

    /** The newest usable kernel under /boot, cloud flavour first. */
    static Optional<GuestKernel> find() {
        return find(Path.of("/boot"), Path.of("/lib/modules"));
    }

    static Optional<GuestKernel> find(Path boot, Path modulesRoot) {
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(boot)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("vmlinuz-"))
                    .map(n -> n.substring("vmlinuz-".length()))
                    .map(rel -> new GuestKernel(rel, boot.resolve("vmlinuz-" + rel), modulesRoot.resolve(rel)))
                    .filter(k -> Files.isReadable(k.kernel()) && Files.isRegularFile(k.modules().resolve("modules.dep")))
                    .max(Comparator.comparing((GuestKernel k) -> k.release().contains("-cloud-"))
                            .thenComparing(GuestKernel::release, GuestKernel::compareVersions));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Compares "6.1.0-56-cloud-amd64" and "6.1.0-9-cloud-amd64" by their numbers, not as text. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean nx = x[i].matches("\\d+");
            boolean ny = y[i].matches("\\d+");
            int c = nx && ny ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i])) : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
