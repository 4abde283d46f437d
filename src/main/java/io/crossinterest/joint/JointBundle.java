package io.crossinterest.joint;

import io.crossinterest.data.TwinListings;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.encoder.TokenScheme;
import io.crossinterest.neighbours.ItemSetNeighbours;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A versioned model bundle of the joint model: a directory a stream job loads (docs/architecture.md
 * §3).
 *
 * <pre>
 *   metadata.json         format version, model version, token scheme, vocabulary, L, categories, rank, scoring path,
 *                         the model's settings ({@link JointParams}; every setting of the fit from format 5 on),
 *                         training summary
 *   network.zip           the DL4J graph: encoder (embedding, conv, dense) and joint weights (W2, b2, the ranking
 *                         head Qᵀ/b, W3, b3, W4, b4); no optimiser state
 *   cf-item-factors.bin   the target block's ALS item factors Q (int rows, int rank, then rows·rank floats, big-endian)
 *   target-items.txt      target item ids, one per line, in index order (score index v ↔ line v)
 *   source-folding.bin    (format 2, when the model feeds s_u next to H_u) the source block's token factors, Gram
 *                         matrix and ALS settings of the fold-in ({@link SourceFolding})
 *   item-set-neighbours.bin (format 3, when metadata's wideWeight &gt; 0) the wide path: the warm users' source token
 *                         postings and target rows ({@link ItemSetNeighbours})
 *   twins.tsv             (format 4) the twins found on the training rows, {@code source item <TAB> target item}
 *                         ({@link TwinListings}): a target item that is the twin of an item of the user's source
 *                         history is a seen item, never recommended
 *   source-items.txt      (optional) source item ids, one per line, in the split's index order: the order of a
 *                         user's items in training's encoder input, which the stream job rebuilds from its event
 *                         history ({@link JointScoringFunction#tokens}); a bundle without it is scored in event order
 * </pre>
 *
 * A bundle written by format version n is read by any build whose {@link #FORMAT_VERSION} is ≥ n.
 *
 * <p><b>Model version</b>: metadata's {@code modelVersion} is the model's one version, a whole
 * number ≥ 0 ({@code train --model-version}, by default the UTC time of the training as
 * yyyyMMddHHmmss): every output of the model names it, and the stream job swaps only to a bundle
 * whose version is greater than the one it serves. Formats 1 to 5 stored a string label there
 * instead (e.g. {@code joint-7}): such a bundle's version is that label read as a number when it is
 * all digits and fits a {@code long} ({@code "7"} → 7), else 0.
 */
public final class JointBundle {
    public static final int FORMAT_VERSION = 6;
    static final String METADATA = "metadata.json";
    static final String NETWORK = "network.zip";
    static final String ITEM_FACTORS = "cf-item-factors.bin";
    static final String TARGET_ITEMS = "target-items.txt";
    static final String SOURCE_FOLDING = "source-folding.bin";

    /**
     * Format 3: the wide path's index, present when the model blends it in ({@code wideWeight} &gt;
     * 0).
     */
    static final String ITEM_SET_NEIGHBOURS = "item-set-neighbours.bin";

    /**
     * Format 4: the twin listings of the training data (empty when the training split kept twins).
     */
    static final String TWINS = "twins.tsv";

    static final String SOURCE_ITEMS = "source-items.txt";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The bundle's metadata.json; {@code modelVersion} is the model's version (≥ 0; see the class
     * comment for bundles before format 6); {@code cfSpace} is the CF space the fit chose ({@link
     * JointFitReport#cfSpace}), null when it was given one factorizer or for a bundle written
     * before the choice existed.
     */
    public record Metadata(
            int formatVersion,
            long modelVersion,
            String dataset,
            String createdAt,
            TokenScheme tokenScheme,
            int vocabSize,
            int seqLen,
            List<String> sourceCategories,
            List<String> targetCategories,
            int rank,
            int numItems,
            ScoringPath scoring,
            JointParams config,
            int bestEpoch,
            int epochsRun,
            String cfSpace,
            double wideWeight,
            int wideNeighbours) {
        public Metadata {
            if (modelVersion < 0) {
                throw new IllegalArgumentException("model version must be >= 0: " + modelVersion);
            }
        }

        /**
         * Reads metadata.json: {@code modelVersion} is a number from format 6 on, a label before
         * (see the class comment); {@code wideWeight} is 0 in bundles before format 3 (no wide
         * path).
         */
        @JsonCreator
        static Metadata fromJson(
                @JsonProperty("formatVersion") int formatVersion,
                @JsonProperty("modelVersion") JsonNode modelVersion,
                @JsonProperty("dataset") String dataset,
                @JsonProperty("createdAt") String createdAt,
                @JsonProperty("tokenScheme") TokenScheme tokenScheme,
                @JsonProperty("vocabSize") int vocabSize,
                @JsonProperty("seqLen") int seqLen,
                @JsonProperty("sourceCategories") List<String> sourceCategories,
                @JsonProperty("targetCategories") List<String> targetCategories,
                @JsonProperty("rank") int rank,
                @JsonProperty("numItems") int numItems,
                @JsonProperty("scoring") ScoringPath scoring,
                @JsonProperty("config") JointParams config,
                @JsonProperty("bestEpoch") int bestEpoch,
                @JsonProperty("epochsRun") int epochsRun,
                @JsonProperty("cfSpace") String cfSpace,
                @JsonProperty("wideWeight") double wideWeight,
                @JsonProperty("wideNeighbours") int wideNeighbours) {
            return new Metadata(
                    formatVersion,
                    modelVersion(formatVersion, modelVersion),
                    dataset,
                    createdAt,
                    tokenScheme,
                    vocabSize,
                    seqLen,
                    sourceCategories,
                    targetCategories,
                    rank,
                    numItems,
                    scoring,
                    config,
                    bestEpoch,
                    epochsRun,
                    cfSpace,
                    wideWeight,
                    wideNeighbours);
        }

        /**
         * The version metadata.json's {@code modelVersion} field gives: from format 6 on a whole
         * number ≥ 0; before, a label, whose version is the label as a number when it is all digits
         * and fits a {@code long}, else 0.
         */
        static long modelVersion(int formatVersion, JsonNode field) {
            if (formatVersion >= 6) {
                if (field == null
                        || !field.isIntegralNumber()
                        || !field.canConvertToLong()
                        || field.asLong() < 0) {
                    throw new IllegalArgumentException(
                            "modelVersion must be a whole number >= 0, got " + field);
                }
                return field.asLong();
            }
            String label = field == null || field.isNull() ? "" : field.asText();
            if (label.isEmpty() || !label.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return 0;
            }
            try {
                return Long.parseLong(label);
            } catch (NumberFormatException tooLong) {
                return 0;
            }
        }
    }

    private final Metadata metadata;
    private final JointModel model;
    private final Map<String, Integer> sourceItemIndex;

    private JointBundle(Metadata metadata, JointModel model, Map<String, Integer> sourceItemIndex) {
        this.metadata = metadata;
        this.model = model;
        this.sourceItemIndex = sourceItemIndex;
    }

    /** The model the bundle holds. */
    public JointModel model() {
        return model;
    }

    /**
     * The twins of the training data: what {@link TwinListings#exclude} removes from a user's
     * top-N.
     */
    public TwinListings twins() {
        return model.twins();
    }

    public Metadata metadata() {
        return metadata;
    }

    /** The model's version (metadata's {@code modelVersion}). */
    public long modelVersion() {
        return metadata.modelVersion();
    }

    public SourceTokenizer tokenizer() {
        return model.tokenizer();
    }

    /** The scorer of this bundle (not thread-safe: one bundle per subtask). */
    public JointScorer scorer() {
        return model.scorer();
    }

    /**
     * Source item id → its index in training (the order of a user's items in the encoder input);
     * null if absent.
     */
    public Map<String, Integer> sourceItemIndex() {
        return sourceItemIndex;
    }

    public List<String> targetItemIds() {
        return model.targetItemIds();
    }

    public List<String> targetCategoryIds() {
        return metadata.targetCategories();
    }

    /**
     * Writes a fitted model ({@link JointEstimator#fit}) as a bundle of version {@code
     * modelVersion} (≥ 0) into {@code dir} (created; existing bundle files are replaced).
     */
    public static Metadata save(JointModel model, Path dir, long modelVersion) throws IOException {
        if (modelVersion < 0) {
            throw new IllegalArgumentException("model version must be >= 0: " + modelVersion);
        }
        JointFitReport report = model.report();
        if (report == null) {
            throw new IllegalArgumentException(
                    "the model was read from a bundle: copy that bundle instead");
        }
        Files.createDirectories(dir);
        JointScorer s = model.scorer();
        Metadata md =
                new Metadata(
                        FORMAT_VERSION,
                        modelVersion,
                        model.dataset(),
                        Instant.now().toString(),
                        model.tokenizer().scheme(),
                        model.encoderConfig().vocabSize,
                        model.encoderConfig().seqLen,
                        model.sourceCategoryIds(),
                        model.targetCategoryIds(),
                        s.rank(),
                        s.numItems(),
                        s.path(),
                        model.params(),
                        report.bestEpoch(),
                        report.history().size(),
                        report.cfSpace(),
                        s.wideWeight(),
                        s.wideK());
        ModelSerializer.writeModel(s.graph(), dir.resolve(NETWORK).toFile(), false);
        CfFactors cf = model.cfFactors();
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(
                                Files.newOutputStream(dir.resolve(ITEM_FACTORS))))) {
            out.writeInt(cf.numItems());
            out.writeInt(cf.rank());
            for (double x : cf.items()) {
                out.writeFloat((float) x);
            }
        }
        Files.write(dir.resolve(TARGET_ITEMS), model.targetItemIds(), StandardCharsets.UTF_8);
        model.twins().save(dir.resolve(TWINS), model.targetItemIds());
        Files.write(dir.resolve(SOURCE_ITEMS), model.sourceItemIds(), StandardCharsets.UTF_8);
        if (s.folding() != null) {
            s.folding().save(dir.resolve(SOURCE_FOLDING));
        } else {
            Files.deleteIfExists(dir.resolve(SOURCE_FOLDING));
        }
        if (s.widePath() != null) {
            s.widePath().save(dir.resolve(ITEM_SET_NEIGHBOURS));
        } else {
            Files.deleteIfExists(dir.resolve(ITEM_SET_NEIGHBOURS));
        }
        JSON.writeValue(
                dir.resolve(METADATA).toFile(), md); // last: a bundle with metadata is complete
        return md;
    }

    /**
     * The metadata of the bundle in {@code dir}, without the network or the factors (what the
     * stream checks before it starts); a clear error when there is none or its format is newer than
     * this build.
     */
    public static Metadata readMetadata(Path dir) throws IOException {
        Path mdFile = dir.resolve(METADATA);
        if (!Files.isRegularFile(mdFile)) {
            throw new IOException("not a joint model bundle (no " + METADATA + "): " + dir);
        }
        Metadata md;
        try {
            md = JSON.readValue(mdFile.toFile(), Metadata.class);
        } catch (ValueInstantiationException e) {
            Throwable why = e.getCause() == null ? e : e.getCause();
            throw new IOException("bundle " + dir + ": bad " + METADATA + ": " + why.getMessage());
        }
        if (md.formatVersion() > FORMAT_VERSION || md.formatVersion() < 1) {
            throw new IOException(
                    "bundle "
                            + dir
                            + " has format version "
                            + md.formatVersion()
                            + "; this build reads versions 1.."
                            + FORMAT_VERSION);
        }
        return md;
    }

    /**
     * Reads a bundle; a clear error when a file is missing or the format is newer than this build.
     */
    public static JointBundle load(Path dir) throws IOException {
        Metadata md = readMetadata(dir);
        ComputationGraph graph =
                ModelSerializer.restoreComputationGraph(dir.resolve(NETWORK).toFile(), false);
        int numItems;
        int rank;
        double[] q;
        try (DataInputStream in =
                new DataInputStream(
                        new BufferedInputStream(Files.newInputStream(dir.resolve(ITEM_FACTORS))))) {
            numItems = in.readInt();
            rank = in.readInt();
            q = new double[numItems * rank];
            for (int i = 0; i < q.length; i++) {
                q[i] = in.readFloat();
            }
        }
        List<String> items = Files.readAllLines(dir.resolve(TARGET_ITEMS), StandardCharsets.UTF_8);
        if (items.size() != numItems || numItems != md.numItems()) {
            throw new IOException(
                    "bundle "
                            + dir
                            + " is inconsistent: "
                            + items.size()
                            + " target item ids, "
                            + numItems
                            + " item factors, metadata says "
                            + md.numItems());
        }
        SourceTokenizer tok =
                md.tokenScheme() == TokenScheme.ITEMS
                        ? SourceTokenizer.items(md.vocabSize())
                        : SourceTokenizer.categories(md.sourceCategories());
        CfFactors cf = new CfFactors(rank, 0, numItems, new double[0], q);
        SourceFolding folding = null;
        if (md.config().sourceFolding) {
            Path f = dir.resolve(SOURCE_FOLDING);
            if (!Files.isRegularFile(f)) {
                throw new IOException(
                        "bundle "
                                + dir
                                + " is incomplete: the model folds in source factors but "
                                + SOURCE_FOLDING
                                + " is missing");
            }
            folding = SourceFolding.load(f);
        }
        JointScorer scorer =
                new JointScorer(
                        graph,
                        md.seqLen(),
                        md.scoring(),
                        Math.max(1, md.targetCategories().size()),
                        cf,
                        folding);
        if (md.wideWeight() > 0) {
            Path f = dir.resolve(ITEM_SET_NEIGHBOURS);
            if (!Files.isRegularFile(f)) {
                throw new IOException(
                        "bundle "
                                + dir
                                + " is incomplete: the model blends in its wide path but "
                                + ITEM_SET_NEIGHBOURS
                                + " is missing");
            }
            scorer =
                    scorer.withWidePath(
                            ItemSetNeighbours.load(f), md.wideNeighbours(), md.wideWeight());
        }
        Path twinsFile = dir.resolve(TWINS);
        TwinListings twins =
                Files.isRegularFile(twinsFile)
                        ? TwinListings.load(twinsFile, items)
                        : TwinListings.none();
        Path sourceItems = dir.resolve(SOURCE_ITEMS);
        List<String> sourceIds =
                Files.isRegularFile(sourceItems)
                        ? Files.readAllLines(sourceItems, StandardCharsets.UTF_8)
                        : List.of();
        Map<String, Integer> sourceIndex = null;
        if (Files.isRegularFile(sourceItems)) {
            sourceIndex = new HashMap<>(sourceIds.size() * 2);
            for (int i = 0; i < sourceIds.size(); i++) {
                sourceIndex.put(sourceIds.get(i), i);
            }
        }
        EncoderConfig encoder =
                md.config().encoder.withVocabSize(md.vocabSize()).withSeqLen(md.seqLen());
        JointModel model =
                new JointModel(
                        md.config(),
                        tok,
                        encoder,
                        scorer,
                        cf,
                        md.dataset(),
                        sourceIds,
                        items,
                        md.sourceCategories(),
                        md.targetCategories(),
                        twins,
                        null);
        return new JointBundle(md, model, sourceIndex);
    }
}
