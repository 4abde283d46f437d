package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.Factors;
import io.crossinterest.eval.ColdStartEvaluator;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.SelectionReport;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Locale;

/**
 * EMCDR (Man et al. 2017, "Cross-Domain Recommendation: An Embedding and Mapping Approach"): factorise each block
 * separately (implicit ALS, {@link Factorizations}), then learn a map f from source user factors to target user factors
 * on the warm users active in both blocks, f = MLP k → 2k (tanh) → k, trained with Adam on the squared error
 * ‖f(P^s_u) − P^t_u‖². A cold user is scored by P̂^t_u = f(P^s_u): score(u, i) = P̂^t_u · Q^t_i.
 *
 * <p>Selected on the validation cold users: the training epoch (early stopping on full-ranking NDCG@10, patience
 * {@value #PATIENCE} epochs, at most {@link ModelSettings#maxEpochs}); the best epoch's mapped factors are kept.
 */
public final class Emcdr implements ColdStartModel, SelectionReport {
    public static final String NAME = "emcdr";
    static final int PATIENCE = 5;
    static final int BATCH = 256;
    static final double LEARNING_RATE = 1e-3;

    private final ModelSettings settings;
    private Factors mapped;
    private AlsResult target;
    private boolean[] warm;
    private int bestEpoch;
    private double validationNdcg = Double.NEGATIVE_INFINITY;

    public Emcdr(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        SmallNetThreads.single(() -> {
            train(split);
            return null;
        });
    }

    private void train(CrossDomainSplit split) {
        AlsResult source = Factorizations.source(split, settings);
        target = Factorizations.target(split, settings);
        warm = BridgeData.hasTargetRows(split);
        int k = settings.rank;
        int[] train = BridgeData.warmWithSource(split);
        if (train.length == 0) {
            throw new IllegalStateException("EMCDR needs warm users active in both blocks; the split has none");
        }
        INDArray x = BridgeData.rows(source.users, train);
        INDArray y = BridgeData.rows(target.users, train);
        int[] sourceUsers = BridgeData.usersWithSource(split);
        INDArray allX = BridgeData.rows(source.users, sourceUsers);

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(settings.seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(k).nOut(2 * k).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2 * k).nOut(k)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet all = new DataSet(x, y);
        int sinceBest = 0;
        for (int epoch = 1; epoch <= settings.maxEpochs && sinceBest < PATIENCE; epoch++) {
            all.shuffle(settings.seed + epoch);
            List<DataSet> batches = all.batchBy(BATCH);
            for (DataSet b : batches) {
                net.fit(b);
            }
            Factors candidate = BridgeData.scatter(net.output(allX), sourceUsers, split.numUsers(), k);
            double v = ColdStartEvaluator.validationNdcg(split, (u, out) -> candidate.scoreAll(u, target.items, out));
            if (v > validationNdcg) {
                validationNdcg = v;
                bestEpoch = epoch;
                mapped = candidate;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
    }

    @Override
    public void scoreItems(int user, double[] out) {
        // a user with target training rows has their own target factor; the bridge is for the others
        (warm[user] ? target.users : mapped).scoreAll(user, target.items, out);
    }

    @Override
    public String selection() {
        return String.format(Locale.ROOT, "epoch=%d, validation ndcg@10=%.4f", bestEpoch, validationNdcg);
    }
}
