package io.crossinterest.bench;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one benchmark process runs: the data set, the ALS hyper-parameters, the seeds. Shared by
 * both sides.
 */
class RunSpec {
    @Option(names = "--data", required = true, description = "amazon | powerlaw")
    String data;

    @Option(names = "--shared-data", required = true, description = "the ../shared/data folder")
    Path sharedData;

    @Option(names = "--rank", required = true)
    int rank;

    @Option(names = "--iterations", required = true)
    int iterations;

    @Option(names = "--lambda", required = true)
    double lambda;

    @Option(names = "--alpha", required = true)
    double alpha;

    @Option(names = "--seeds", required = true, split = ",")
    List<Long> seeds;

    @Option(names = "--threads", required = true)
    int threads;

    @Option(names = "--eval-users", required = true)
    int evalUsers;

    @Option(names = "--powerlaw-users", required = true)
    int powerLawUsers;

    @Option(names = "--solver", defaultValue = "cg", description = "ours only: cg | cholesky")
    String solver;

    @Option(names = "--cg-steps", defaultValue = "3", description = "ours only")
    int cgSteps;

    List<String> toArgs() {
        List<String> a = new ArrayList<>();
        a.add("--data=" + data);
        a.add("--shared-data=" + sharedData);
        a.add("--rank=" + rank);
        a.add("--iterations=" + iterations);
        a.add("--lambda=" + lambda);
        a.add("--alpha=" + alpha);
        StringBuilder s = new StringBuilder();
        for (Long seed : seeds) {
            s.append(s.length() == 0 ? "" : ",").append(seed);
        }
        a.add("--seeds=" + s);
        a.add("--threads=" + threads);
        a.add("--eval-users=" + evalUsers);
        a.add("--powerlaw-users=" + powerLawUsers);
        a.add("--solver=" + solver);
        a.add("--cg-steps=" + cgSteps);
        return a;
    }

    /**
     * The benchmark's split seed is the first seed; the model seeds are all of them. Every process
     * rebuilds the same data from it.
     */
    BenchData loadData() {
        return BenchData.load(data, sharedData, seeds.get(0), evalUsers, powerLawUsers);
    }
}
