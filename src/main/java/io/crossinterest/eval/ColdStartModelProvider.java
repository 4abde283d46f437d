package io.crossinterest.eval;

/**
 * Makes a {@link ColdStartModel} by name, so that {@code evaluate --models a,b,c} finds every
 * model, the baselines and the joint model alike, without the command knowing their classes.
 * Providers are found with {@link java.util.ServiceLoader}: a module lists its providers in {@code
 * META-INF/services/io.crossinterest.eval.ColdStartModelProvider}.
 */
public interface ColdStartModelProvider {

    /** The model's name in {@code --models}, reports and metrics.json. */
    String name();

    /** A fresh, unfitted model. */
    ColdStartModel create(ModelSettings settings);

    /**
     * Whether {@code evaluate} runs this model when {@code --models} is not given (true); an
     * ablation of another model runs only when named.
     */
    default boolean runsByDefault() {
        return true;
    }
}
