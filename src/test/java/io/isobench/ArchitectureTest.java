package io.isobench;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import java.net.URISyntaxException;
import java.util.Set;

/**
 * The package structure docs/ARCHITECTURE.md describes, checked on the compiled classes of
 * src/main: no package imports another that imports it back (directly or round a longer loop),
 * and each layer imports only the layers below it. A new package must be given a layer here (and
 * in docs/ARCHITECTURE.md) before the build passes: where it sits is a decision, not an accident.
 */
@AnalyzeClasses(locations = ArchitectureTest.MainClasses.class)
public class ArchitectureTest {

    /**
     * Where the main classes are: the folder or jar that holds {@link io.isobench.cli.Main}, and
     * nothing of the test classes (ArchUnit's own test filter knows only target/test-classes, and
     * the pom lets a build use another folder).
     */
    public static final class MainClasses implements LocationProvider {
        @Override
        public Set<Location> get(Class<?> testClass) {
            return Set.of(location());
        }

        static Location location() {
            try {
                return Location.of(io.isobench.cli.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every package on its own: {@code report} and {@code report.chart} may not import each other either. */
    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.isobench.(**)").should().beFreeOfCycles()
            .as("no cycles between packages");

    /** The top-level packages with everything below them (env with env.docker, env.vm...). */
    @ArchTest
    static final ArchRule NO_TOP_LEVEL_CYCLES = slices().matching("io.isobench.(*)..").should().beFreeOfCycles()
            .as("no cycles between top-level packages");

    /** Bottom to top; each layer may import only those named for it (and itself). */
    @ArchTest
    static final ArchRule LAYERS = layers();

    static com.tngtech.archunit.library.Architectures.LayeredArchitecture layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("root").definedBy("io.isobench")
                .layer("host").definedBy("io.isobench.host..")
                .layer("result").definedBy("io.isobench.result..")
                .layer("core").definedBy("io.isobench.core..")
                .layer("stats").definedBy("io.isobench.stats..")
                .layer("agent").definedBy("io.isobench.agent..")
                .layer("image").definedBy("io.isobench.image..")
                .layer("workload").definedBy("io.isobench.workload..")
                .layer("env").definedBy("io.isobench.env..")
                .layer("inside").definedBy("io.isobench.inside..")
                .layer("client").definedBy("io.isobench.client..")
                .layer("remote").definedBy("io.isobench.remote..")
                .layer("suite").definedBy("io.isobench.suite..")
                .layer("confound").definedBy("io.isobench.confound..")
                .layer("report").definedBy("io.isobench.report..")
                .layer("run").definedBy("io.isobench.run..")
                .layer("cli").definedBy("io.isobench.cli..")

                .whereLayer("root").mayNotAccessAnyLayer()
                .whereLayer("host").mayOnlyAccessLayers("root")
                .whereLayer("result").mayOnlyAccessLayers("root")
                .whereLayer("core").mayOnlyAccessLayers("root", "host")
                .whereLayer("stats").mayOnlyAccessLayers("root", "result")
                // the wire, the host's end of it, how an agent is launched: nothing of workloads or environments
                .whereLayer("agent").mayOnlyAccessLayers("root", "host", "result", "core")
                .whereLayer("image").mayOnlyAccessLayers("root", "host", "core", "agent")
                // workloads do not know where they run; environments never know what a workload does
                .whereLayer("workload").mayOnlyAccessLayers("root", "host", "result", "core")
                .whereLayer("env").mayOnlyAccessLayers("root", "host", "result", "core", "agent", "image")
                // the agent process: serves requests by running workloads
                .whereLayer("inside").mayOnlyAccessLayers("root", "host", "result", "core", "agent", "workload")
                .whereLayer("client").mayOnlyAccessLayers("root", "host", "result", "core", "agent", "workload", "env", "remote")
                // other machines over SSH: a connection, isobench brought there, a fleet's runs streamed back
                .whereLayer("remote").mayOnlyAccessLayers("root", "host", "result", "core", "agent", "image")
                .whereLayer("suite").mayOnlyAccessLayers("root", "host", "result", "core", "workload", "env", "client", "remote")
                .whereLayer("confound").mayOnlyAccessLayers("root", "host", "result", "core", "stats", "workload", "env")
                // reports read a run directory: never an environment, an agent or the runner
                .whereLayer("report").mayOnlyAccessLayers("root", "host", "result", "core", "stats", "workload", "confound")
                .whereLayer("run").mayOnlyAccessLayers("root", "host", "result", "core", "stats", "agent", "workload", "env",
                        "client", "suite")
                .whereLayer("cli").mayOnlyAccessLayers("root", "host", "result", "core", "stats", "agent", "image", "workload",
                        "env", "inside", "client", "remote", "suite", "confound", "report", "run")
                .as("each layer imports only the layers below it (docs/ARCHITECTURE.md)");
    }
}
