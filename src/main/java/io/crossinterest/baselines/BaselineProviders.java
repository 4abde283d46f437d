package io.crossinterest.baselines;

import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.ColdStartModelProvider;
import io.crossinterest.eval.ModelSettings;

/**
 * The baselines as {@link ColdStartModelProvider}s, registered in {@code
 * META-INF/services/io.crossinterest.eval.ColdStartModelProvider}.
 */
public final class BaselineProviders {
    private BaselineProviders() {}

    public static final class PopularityProvider implements ColdStartModelProvider {
        @Override
        public String name() {
            return Popularity.NAME;
        }

        @Override
        public ColdStartModel create(ModelSettings settings) {
            return new Popularity();
        }
    }

    public static final class TargetCfProvider implements ColdStartModelProvider {
        @Override
        public String name() {
            return TargetCf.NAME;
        }

        @Override
        public ColdStartModel create(ModelSettings settings) {
            return new TargetCf(settings);
        }
    }

    public static final class CmfProvider implements ColdStartModelProvider {
        @Override
        public String name() {
            return Cmf.NAME;
        }

        @Override
        public ColdStartModel create(ModelSettings settings) {
            return new Cmf(settings);
        }
    }

    public static final class EmcdrProvider implements ColdStartModelProvider {
        @Override
        public String name() {
            return Emcdr.NAME;
        }

        @Override
        public ColdStartModel create(ModelSettings settings) {
            return new Emcdr(settings);
        }
    }

    public static final class PtupcdrProvider implements ColdStartModelProvider {
        @Override
        public String name() {
            return Ptupcdr.NAME;
        }

        @Override
        public ColdStartModel create(ModelSettings settings) {
            return new Ptupcdr(settings);
        }
    }

    public static final class SourceNeighboursProvider implements ColdStartModelProvider {
        @Override
        public String name() {
            return SourceNeighbours.NAME;
        }

        @Override
        public ColdStartModel create(ModelSettings settings) {
            return new SourceNeighbours(settings);
        }
    }

    public static final class SourceItemNeighboursProvider implements ColdStartModelProvider {
        @Override
        public String name() {
            return SourceItemNeighbours.NAME;
        }

        @Override
        public ColdStartModel create(ModelSettings settings) {
            return new SourceItemNeighbours();
        }
    }
}
