package io.isobench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.isobench.core.ParamKey;
import io.isobench.core.ParamSpec;
import io.isobench.core.Params;
import io.isobench.env.Variant;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Workloads read their parameters through typed keys: every key a workload's classes touch is one
 * of the parameters it declares (no read of a parameter it does not accept), every parameter it
 * declares is a key it touches (no spec without a key), and no workload or environment class reads
 * a parameter or setting by its name as text.
 */
class ParamKeysTest {

    private static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.isobench");

    /** The getters by name that workload code may not use (a misspelt name would only fail at run time). */
    private static final Set<String> BY_NAME = Set.of("getInt", "getLong", "getDouble", "getBool", "getString", "getBytes",
            "getMillis", "getList", "getIntList", "with", "has");

    @Test
    void everyBuiltInWorkloadTouchesExactlyTheKeysItDeclares() throws Exception {
        List<Workload> builtIn = Workloads.all().stream().filter(w -> MAIN.contain(w.getClass())).toList();
        assertThat(builtIn).as("the built-in workloads").hasSizeGreaterThanOrEqualTo(12);
        for (Workload w : builtIn) {
            Map<ParamSpec, String> touched = new IdentityHashMap<>();
            for (ParamKey<?> k : keysTouchedBy(w.getClass())) {
                touched.put(k.spec(), k.name());
            }
            Map<ParamSpec, String> declared = new IdentityHashMap<>();
            w.params().forEach(s -> declared.put(s, s.name()));
            assertThat(touched.keySet()).as("workload %s: the keys its classes touch %s, its params() %s", w.name(),
                            touched.values(), declared.values())
                    .containsExactlyInAnyOrderElementsOf(declared.keySet());
        }
    }

    @Test
    void noWorkloadReadsAParameterByName() {
        assertThat(callsFrom("io.isobench.workload", call -> call.getTargetOwner().isEquivalentTo(Params.class)
                && BY_NAME.contains(call.getName())
                && call.getTarget().getRawParameterTypes().stream().anyMatch(t -> t.isEquivalentTo(String.class))))
                .as("reads of parameters by name in workload classes").isEmpty();
    }

    @Test
    void noEnvironmentReadsASettingByName() {
        assertThat(callsFrom("io.isobench.env", call -> call.getTargetOwner().isEquivalentTo(Variant.class)
                && call.getName().equals("setting")))
                .as("reads of settings by name in environment classes").isEmpty();
    }

    /** The calls matching {@code which} made by the main classes of a package and its subpackages. */
    private static List<String> callsFrom(String packagePrefix, java.util.function.Predicate<JavaMethodCall> which) {
        return MAIN.stream().filter(c -> c.getPackageName().startsWith(packagePrefix))
                .flatMap(c -> c.getMethodCallsFromSelf().stream()).filter(which).map(JavaMethodCall::getDescription).toList();
    }

    /** The ParamKey constants read by a class and its nested classes (lambdas included: they compile into it). */
    private static Set<ParamKey<?>> keysTouchedBy(Class<?> type) throws ReflectiveOperationException {
        List<JavaFieldAccess> accesses = new ArrayList<>();
        for (JavaClass c : MAIN) {
            if (c.getName().equals(type.getName()) || c.getName().startsWith(type.getName() + "$")) {
                accesses.addAll(c.getFieldAccessesFromSelf());
            }
        }
        Set<ParamKey<?>> keys = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (JavaAccess<?> a : accesses.stream().filter(a -> a.getTarget().getRawType().isEquivalentTo(ParamKey.class))
                .collect(Collectors.toList())) {
            Field f = Class.forName(a.getTargetOwner().getName()).getDeclaredField(a.getName());
            f.setAccessible(true);
            keys.add((ParamKey<?>) f.get(null));
        }
        return keys;
    }
}
