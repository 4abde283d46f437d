package io.crossinterest.jobs;

import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.InputSpecException;
import io.crossinterest.ingest.LocalReader;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.joint.Explainer;
import io.crossinterest.joint.JointBundle;
import io.crossinterest.joint.SourceHistory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cross-interest explain --model BUNDLE --history FILE --user U}: the user's top target
 * items (and target categories when the model has them) with the source items or categories that
 * drove each most, by occlusion of the encoder's input ({@link Explainer}). The history file holds
 * source-block behaviour as {@code user<TAB>item[<TAB>category]} lines, oldest first (an Amazon
 * pair's {@code train.txt} fits). Prints JSON.
 */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description =
                "Which source items/categories drove a user's top target items and categories (occlusion).")
public class ExplainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Joint model bundle directory.")
    Path model;

    @Option(
            names = "--history",
            required = true,
            description =
                    "Source-block behaviour: user<TAB>item[<TAB>category] per line, oldest first.")
    Path history;

    @Option(names = "--user", required = true, description = "The user id to explain.")
    String user;

    @Option(
            names = "--format",
            description =
                    "Read --history with this input format's parser (amazon-pair, douban, split, taobao, jsonl), "
                            + "so ids match the training data's (amazon-pair: items 'sport:123', users 'phone-sport:17'). "
                            + "Without it: user<TAB>item[<TAB>category] lines as they are.")
    String format;

    @Option(
            names = "--top",
            defaultValue = "5",
            description = "Target items to explain (default 5).")
    int top;

    @Option(
            names = "--drivers",
            defaultValue = "3",
            description = "Drivers listed per target (default 3).")
    int drivers;

    @Override
    public Integer call() throws Exception {
        if (top < 1 || drivers < 1) {
            throw new UsageError("--top and --drivers must be >= 1");
        }
        if (!Files.isRegularFile(model.resolve("metadata.json"))) {
            throw new UsageError("--model: not a joint model bundle (no metadata.json): " + model);
        }
        if (!Files.isRegularFile(history)) {
            throw new UsageError("--history: no such file: " + history);
        }
        SourceHistory h =
                format == null ? read(history, user) : readWithParser(history, format, user);
        if (h.itemIds.length == 0) {
            throw new UsageError("--user: no source behaviour for user " + user + " in " + history);
        }
        JointBundle bundle = JointBundle.load(model);
        Explainer.Explanation e = Explainer.explain(bundle, h, top, drivers);
        spec.commandLine()
                .getOut()
                .println(
                        new ObjectMapper()
                                .enable(SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(e));
        return CrossInterest.EXIT_OK;
    }

    /**
     * The user's events in the history file, in file order, through the format's parser (malformed
     * lines skipped).
     */
    static SourceHistory readWithParser(Path file, String format, String user) throws IOException {
        RecordParser parser;
        try {
            parser = InputFormats.parser(format, ParseLimits.DEFAULTS);
        } catch (InputSpecException e) {
            throw new UsageError("--format: " + e.getMessage());
        }
        List<String> items = new ArrayList<>();
        List<String> cats = new ArrayList<>();
        LocalReader.readFile(
                file,
                parser,
                e -> {
                    if (e.user.equals(user)) {
                        items.add(e.item);
                        cats.add(e.category);
                    }
                },
                dead -> {});
        return new SourceHistory(user, items.toArray(String[]::new), cats.toArray(String[]::new));
    }

    /** The user's lines of the history file; a malformed line is an error naming it. */
    static SourceHistory read(Path file, String user) throws IOException {
        List<String> items = new ArrayList<>();
        List<String> cats = new ArrayList<>();
        boolean anyCategory = false;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length < 2) {
                    throw new UsageError(
                            "--history: line "
                                    + n
                                    + " of "
                                    + file
                                    + " is not user<TAB>item: "
                                    + line);
                }
                if (f[0].equals(user)) {
                    items.add(f[1]);
                    String cat = f.length > 2 ? f[2] : null;
                    anyCategory |= cat != null;
                    cats.add(cat);
                }
            }
        }
        return new SourceHistory(
                user,
                items.toArray(String[]::new),
                anyCategory ? cats.toArray(String[]::new) : null);
    }
}
