package io.isobench.workload.archfixture;

import io.isobench.env.EnvironmentInstance;
import io.isobench.env.archfixture.KnowsWorkloads;

/**
 * A workload-layer class that imports environment types, one of which imports it back: what the
 * architecture rules forbid. In the test sources only, for {@link io.isobench.ArchitectureRulesTest}
 * to show that the rules catch it.
 */
public final class KnowsEnvironments {

    private KnowsEnvironments() {
    }

    public static boolean alive(EnvironmentInstance i) {
        return i.alive() && KnowsWorkloads.known();
    }

    public static String name() {
        return "knows environments";
    }
}
