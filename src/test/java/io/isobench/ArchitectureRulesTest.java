package io.isobench;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.isobench.env.EnvironmentInstance;
import io.isobench.env.archfixture.KnowsWorkloads;
import io.isobench.report.HtmlReport;
import io.isobench.report.chart.SvgRenderer;
import io.isobench.workload.archfixture.KnowsEnvironments;
import org.junit.jupiter.api.Test;

/** The architecture rules would fail the build on a forbidden import, and pass the classes as they are. */
class ArchitectureRulesTest {

    @Test
    void aWorkloadThatImportsAnEnvironmentBreaksTheLayers() {
        JavaClasses classes = new ClassFileImporter().importClasses(KnowsEnvironments.class, EnvironmentInstance.class);
        EvaluationResult r = ArchitectureTest.layers().evaluate(classes);
        assertThat(r.hasViolation()).isTrue();
        assertThat(String.join("\n", r.getFailureReport().getDetails()))
                .contains(KnowsEnvironments.class.getName()).contains(EnvironmentInstance.class.getName());
    }

    @Test
    void twoPackagesThatImportEachOtherAreACycle() {
        // one way only: the report imports the chart package
        JavaClasses oneWay = new ClassFileImporter().importClasses(HtmlReport.class, SvgRenderer.class);
        assertThat(ArchitectureTest.NO_PACKAGE_CYCLES.evaluate(oneWay).hasViolation()).isFalse();
        assertThat(ArchitectureTest.NO_TOP_LEVEL_CYCLES.evaluate(oneWay).hasViolation()).isFalse();
        // both ways: a workload package and an environment package that import each other
        JavaClasses bothWays = new ClassFileImporter().importClasses(KnowsEnvironments.class, KnowsWorkloads.class);
        assertThat(ArchitectureTest.NO_PACKAGE_CYCLES.evaluate(bothWays).hasViolation()).isTrue();
        assertThat(ArchitectureTest.NO_TOP_LEVEL_CYCLES.evaluate(bothWays).hasViolation()).isTrue();
    }

    @Test
    void theMainClassesKeepTheRules() {
        JavaClasses main = new ClassFileImporter().importLocations(java.util.Set.of(ArchitectureTest.MainClasses.location()));
        assertThat(main.size()).isGreaterThan(100);
        assertThat(ArchitectureTest.layers().evaluate(main).getFailureReport().getDetails()).isEmpty();
    }
}
