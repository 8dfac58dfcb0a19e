package io.isobench.env.archfixture;

import io.isobench.workload.archfixture.KnowsEnvironments;

/** The environment side of the loop {@link KnowsEnvironments} closes (test sources only). */
public final class KnowsWorkloads {

    private KnowsWorkloads() {
    }

    public static boolean known() {
        return !KnowsEnvironments.name().isEmpty();
    }
}
