package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.AlsSolvers;
import io.crossinterest.cf.als.ImplicitAls;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * The implicit-ALS factorisations the baselines share (the project's solver, {@link ImplicitAls}),
 * cached per split so that EMCDR and PTUPCDR, which both start from the same source and target
 * factorisations, compute them once per seed. The cache holds a split's entries only while the
 * split object is alive.
 *
 * <p>Trained by {@link AlsSolvers}: in process, or as a Flink job at {@link
 * ModelSettings#alsParallelism} &gt; 1 (the same factors). Hyper-parameters of the shared
 * factorisations: {@link ModelSettings#als()}.
 */
final class Factorizations {
    private static final Map<CrossDomainSplit, Map<String, AlsResult>> CACHE = new WeakHashMap<>();

    private Factorizations() {}

    static AlsResult fit(InteractionMatrix r, AlsConfig cfg) {
        return AlsSolvers.fit(r, cfg);
    }

    /** The factorisation of the source block (all users' source rows). */
    static AlsResult source(CrossDomainSplit split, ModelSettings s) {
        return cached(split, "source", s, () -> fit(split.source, s.als()));
    }

    /** The factorisation of the target training rows (warm users; cold users' rows are empty). */
    static AlsResult target(CrossDomainSplit split, ModelSettings s) {
        return cached(split, "target", s, () -> fit(split.targetTrain, s.als()));
    }

    private static AlsResult cached(
            CrossDomainSplit split, String block, ModelSettings s, Supplier<AlsResult> compute) {
        String key =
                block
                        + '|'
                        + s.rank
                        + '|'
                        + s.alsIterations
                        + '|'
                        + s.seed
                        + '|'
                        + s.alsParallelism;
        synchronized (CACHE) {
            AlsResult r = CACHE.computeIfAbsent(split, k -> new HashMap<>()).get(key);
            if (r != null) {
                return r;
            }
        }
        AlsResult r = compute.get();
        synchronized (CACHE) {
            CACHE.get(split).put(key, r);
        }
        return r;
    }
}
