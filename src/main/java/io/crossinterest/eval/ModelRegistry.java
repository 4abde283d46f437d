package io.crossinterest.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The models the evaluation can run, by name ({@link ColdStartModelProvider}s on the class path).
 */
public final class ModelRegistry {
    /**
     * The comparison order of the report: baselines from simplest to richest, then the joint model.
     */
    public static final List<String> PREFERRED_ORDER =
            List.of(
                    "popularity",
                    "target-cf",
                    "cmf",
                    "emcdr",
                    "ptupcdr",
                    "source-knn",
                    "source-items",
                    "joint");

    private final Map<String, ColdStartModelProvider> providers = new LinkedHashMap<>();

    /** The providers registered through {@link ServiceLoader}. */
    public static ModelRegistry fromClassPath() {
        ModelRegistry r = new ModelRegistry();
        for (ColdStartModelProvider p : ServiceLoader.load(ColdStartModelProvider.class)) {
            r.register(p);
        }
        return r;
    }

    public ModelRegistry register(ColdStartModelProvider p) {
        ColdStartModelProvider old = providers.putIfAbsent(p.name(), p);
        if (old != null && old.getClass() != p.getClass()) {
            throw new IllegalStateException(
                    "two models named '"
                            + p.name()
                            + "': "
                            + old.getClass().getName()
                            + " and "
                            + p.getClass().getName());
        }
        return this;
    }

    public boolean contains(String name) {
        return providers.containsKey(name);
    }

    /**
     * Every registered name, in {@link #PREFERRED_ORDER} first, then the others in registration
     * order.
     */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (String n : PREFERRED_ORDER) {
            if (providers.containsKey(n)) {
                out.add(n);
            }
        }
        for (String n : providers.keySet()) {
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** {@link #names()} without the models that run only when named (ablations). */
    public List<String> defaultNames() {
        return names().stream().filter(n -> providers.get(n).runsByDefault()).toList();
    }

    public ColdStartModel create(String name, ModelSettings settings) {
        ColdStartModelProvider p = providers.get(name);
        if (p == null) {
            throw new IllegalArgumentException(
                    "unknown model '" + name + "'; known: " + String.join(", ", names()));
        }
        return p.create(settings);
    }
}
