package io.crossinterest.profile;

import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;

/**
 * Writes the keyed state of {@link ProfileAggregator} (uid {@value ProfileAggregator#UID}) with the
 * State Processor API: each user's {@link ProfileState} folded from a bounded history, as the
 * operator folds it (the same weights, half-life and last-L tokens; the result does not depend on
 * the order of the events, see {@link ProfileState}), under the operator's state descriptor for the
 * stream's config ({@link ProfileAggregator#profileDescriptor(ProfileConfig)}, idle-user TTL
 * included). No update is left pending: the history's profiles are the backfill's output, and a
 * stream started from the savepoint emits a user's next update when that user's next event is due.
 */
public class ProfileStateBootstrap extends KeyedStateBootstrapFunction<String, BehaviorEvent> {
    private static final long serialVersionUID = 1L;

    private final ProfileConfig config;
    private transient ValueState<ProfileState> profile;

    /**
     * @param config the profile settings of the stream job that will start from the savepoint
     */
    public ProfileStateBootstrap(ProfileConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        profile = getRuntimeContext().getState(ProfileAggregator.profileDescriptor(config));
    }

    @Override
    public void processElement(BehaviorEvent e, Context ctx) throws Exception {
        ProfileState s = profile.value();
        if (s == null) {
            s = new ProfileState();
        }
        s.add(e, config.weights().of(e), config.halfLifeMs());
        s.addToken(e, config.sequenceLength());
        profile.update(s);
    }
}
