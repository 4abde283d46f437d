package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.Factors;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;

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
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * EMCDR (Man et al. 2017, "Cross-Domain Recommendation: An Embedding and Mapping Approach"):
 * factorise each block separately (implicit ALS, {@link Factorizations}), then learn a map f from
 * source user factors to target user factors on the warm users active in both blocks, f = MLP k →
 * 2k (tanh) → k, trained with Adam on the squared error ‖f(P^s_u) − P^t_u‖². A cold user is scored
 * by P̂^t_u = f(P^s_u): score(u, i) = P̂^t_u · Q^t_i.
 *
 * <p>Selected on the validation cold users: the training epoch (early stopping on full-ranking
 * NDCG@10, patience {@value FactorBridge#PATIENCE} epochs, at most {@link
 * ModelSettings#maxEpochs}); the best epoch's mapped factors are kept.
 */
public final class Emcdr extends FactorBridge {
    public static final String NAME = "emcdr";

    public Emcdr(ModelSettings settings) {
        super(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void learn(CrossDomainSplit split, AlsResult source, int[] train) {
        int k = settings.rank;
        INDArray x = BridgeData.rows(source.users, train);
        INDArray y = BridgeData.rows(target.users, train);
        int[] sourceUsers = BridgeData.usersWithSource(split);
        INDArray allX = BridgeData.rows(source.users, sourceUsers);

        MultiLayerConfiguration conf =
                new NeuralNetConfiguration.Builder()
                        .seed(settings.seed)
                        .dataType(DataType.FLOAT)
                        .updater(new Adam(LEARNING_RATE))
                        .weightInit(WeightInit.XAVIER)
                        .list()
                        .layer(
                                new DenseLayer.Builder()
                                        .nIn(k)
                                        .nOut(2 * k)
                                        .activation(Activation.TANH)
                                        .build())
                        .layer(
                                new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                                        .nIn(2 * k)
                                        .nOut(k)
                                        .activation(Activation.IDENTITY)
                                        .build())
                        .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet all = new DataSet(x, y);
        for (int epoch = 1; keepTraining(epoch); epoch++) {
            all.shuffle(settings.seed + epoch);
            List<DataSet> batches = all.batchBy(BATCH);
            for (DataSet b : batches) {
                net.fit(b);
            }
            Factors candidate =
                    BridgeData.scatter(net.output(allX), sourceUsers, split.numUsers(), k);
            epochDone(epoch, split, candidate);
        }
    }
}
