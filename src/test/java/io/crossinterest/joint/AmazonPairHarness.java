package io.crossinterest.joint;

import io.crossinterest.encoder.TokenScheme;
import io.crossinterest.eval.CrossDomainSplit;
import java.nio.file.Path;

/**
 * Measuring harness (not a test): fits joint-model variants on one Amazon pair and prints cold-user NDCG@10 and
 * Recall@10 next to popularity. Usage: AmazonPairHarness DATA_DIR SOURCE TARGET BETA SEED VARIANT...
 */
public final class AmazonPairHarness {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]);
        double beta = Double.parseDouble(a[3]);
        long seed = Long.parseLong(a[4]);
        CrossDomainSplit s = Splits.amazon(data.resolve(a[1]), data.resolve(a[2]), beta, seed);
        System.out.printf("split %s users %d src items %d tgt items %d warm %d valid %d test %d%n", s.dataset,
                s.numUsers(), s.numSourceItems(), s.numTargetItems(), s.warmUsers.length, s.validColdUsers.length,
                s.testColdUsers.length);
        double[] pop = Splits.popularity(s);
        report("popularity", s, (u, out) -> System.arraycopy(pop, 0, out, 0, pop.length), 0);
        int rank = Integer.getInteger("rank", 32);
        long t0 = System.nanoTime();
        CfFactors cf = QuickAls.fit(s.targetTrain, rank, 10, 1.0, 10.0, seed);
        System.out.printf("als rank %d %.1f s%n", rank, (System.nanoTime() - t0) / 1e9);
        java.util.Map<String, org.deeplearning4j.nn.graph.ComputationGraph> encoders = new java.util.HashMap<>();
        io.crossinterest.eval.ModelRegistry registry = io.crossinterest.eval.ModelRegistry.fromClassPath();
        for (int i = 5; i < a.length; i++) {
            if (registry.contains(a[i])) { // a model of `evaluate --models`, with its settings (1 thread)
                io.crossinterest.eval.ColdStartModel cm = registry.create(a[i], new io.crossinterest.eval.ModelSettings(
                        seed, rank, 10, Integer.getInteger("maxEpochs", 50), 1));
                long t = System.nanoTime();
                cm.fit(s);
                report(a[i], s, cm::scoreItems, (System.nanoTime() - t) / 1e9);
                continue;
            }
            JointConfig c = variant(a[i]).withSeed(seed);
            io.crossinterest.encoder.SourceTokenizer tok = io.crossinterest.encoder.SourceTokenizer.forSplit(s,
                    c.encoder);
            io.crossinterest.encoder.EncoderConfig ec = c.encoder.withVocabSize(tok.vocabSize());
            boolean ownEncoder = a[i].endsWith("-srcinit") || a[i].startsWith("fold");
            org.deeplearning4j.nn.graph.ComputationGraph pre = ownEncoder ? null
                    : encoders.computeIfAbsent(ec.toString(), k -> {
                org.deeplearning4j.nn.graph.ComputationGraph g =
                        io.crossinterest.encoder.CnnEncoder.newPretrainGraph(ec);
                long tp = System.nanoTime();
                double[] l = io.crossinterest.encoder.CnnEncoder.pretrain(g, tok.userTokens(s), ec, null);
                System.out.printf("pretrain %s: losses %s, %.0f s%n", ec, java.util.Arrays.toString(l),
                        (System.nanoTime() - tp) / 1e9);
                return g;
            });
            JointModel m = new JointModel(c, split -> cf);
            System.out.println("variant " + a[i] + ": " + c);
            if (a[i].startsWith("fold")) {
                io.crossinterest.cf.als.AlsConfig als = io.crossinterest.cf.als.AlsConfig.defaults().withRank(rank)
                        .withIterations(10).withLambda(0.1).withAlpha(10.0).withSeed(seed).withThreads(1);
                m.withSourceCf(AlsTargetFactorizer.sourceBlock(als), als);
            } else if (a[i].endsWith("-srcinit")) {
                m.withSourceCfInit(split -> QuickAls.fit(split.source, rank, 10, 1.0, 10.0, seed));
            } else {
                m.withPretrainedEncoder(pre.clone());
            }
            long t = System.nanoTime();
            m.fit(s);
            double secs = (System.nanoTime() - t) / 1e9;
            System.out.printf("variant %s: best epoch %d of %d, %.0f s, pretrain %s%n  %s%n", a[i],
                    m.bestEpoch() + 1, m.history().size(), secs, java.util.Arrays.toString(m.pretrainLosses()),
                    m.history());
            report(a[i], s, m::scoreItems, secs);
        }
    }

    static JointConfig variant(String name) {
        JointConfig d = JointConfig.defaults().withEncoder(JointConfig.defaults().encoder
                .withTraining(1e-3, 128, Integer.getInteger("pretrain", 3)))
                .withTraining(Double.parseDouble(System.getProperty("lr", "2e-3")), 128,
                        Integer.getInteger("epochs", 12), 2);
        if (name.startsWith("fold-mse")) { // fold-mseW: source folding with MSE weight W
            return d.withSourceFolding(true).withWeights(Double.parseDouble(name.substring(8)), 1, 0, 1, 0);
        }
        return switch (name) {
            case "seed" -> JointConfig.seedFormulation().withEncoder(d.encoder).withTraining(1e-3, 128,
                    d.maxEpochs, 2);
            case "seed-nodl" -> variant("seed").withWeights(1, 0, 1, 1, 0);
            case "pq-dl" -> d.withWeights(1, 1, 0, 1, 0.1);
            case "seed-frozen" -> variant("seed").withFreezeEncoder(true);
            case "pq-fixed" -> d.withTuneQ(false);
            case "pq-mse" -> d.withWeights(1, 0, 0, 1, 0).withTuneQ(false);
            case "pq", "pq-srcinit" -> d;
            case "fold" -> d.withSourceFolding(true);
            case "fold-frozen" -> d.withSourceFolding(true).withFreezeEncoder(true);
            case "fold-nomse" -> d.withSourceFolding(true).withWeights(0, 1, 0, 1, 0);
            case "pq-frozen" -> d.withFreezeEncoder(true);
            case "pq-nodl" -> d.withWeights(1, 1, 0, 1, 0);
            case "pq-nomse" -> d.withWeights(0, 1, 0, 1, 0);
            case "pq-cat" -> d.withEncoder(d.encoder.withTokens(TokenScheme.CATEGORIES, 3));
            default -> throw new IllegalArgumentException("unknown variant " + name);
        };
    }

    static void report(String name, CrossDomainSplit s, java.util.function.BiConsumer<Integer, double[]> scorer,
            double secs) {
        System.out.printf("RESULT %-12s test NDCG@10 %.4f Recall@10 %.4f | valid NDCG@10 %.4f%n", name,
                Splits.meanNdcg(s, s.testColdUsers, s.targetTest, scorer, 10),
                Splits.meanRecall(s, s.testColdUsers, s.targetTest, scorer, 10),
                Splits.meanNdcg(s, s.validColdUsers, s.targetValid, scorer, 10));
    }
}
