package io.crossinterest.jobs;

import io.crossinterest.ingest.DeadLetterJson;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.InputPlan;
import io.crossinterest.ingest.InputSpecException;
import io.crossinterest.ingest.RawLineFormat;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.pipeline.Environments;
import io.crossinterest.pipeline.FileOutputs;
import io.crossinterest.pipeline.ProfileJobs;
import io.crossinterest.pipeline.ProfilePipeline;
import io.crossinterest.pipeline.ProfileSavepoints;
import io.crossinterest.profile.CategoryStatistics;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.ProfileJson;

import org.apache.commons.io.file.PathUtils;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code backfill}: the profile graph in BATCH mode over files. Writes {@code
 * DIR/profiles/profiles-*.jsonl} (one final profile per user, JSON with a {@code user} field) and
 * {@code DIR/dead-letters/dead-letters-*.jsonl} (every malformed record with its source, position,
 * reason and raw text), then prints a summary.
 */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description =
                "Replay files through the profile graph in BATCH mode: per-user profiles and dead letters under --output.")
public class BackfillCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE|DIR",
            description = "Input file or folder.")
    Path input;

    @Option(
            names = "--format",
            required = true,
            description = "Input format: taobao, amazon-pair, douban, movielens, jsonl or split.")
    String format;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "Output folder; its profiles/ and dead-letters/ subfolders are replaced.")
    Path output;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--savepoint",
            paramLabel = "DIR",
            description =
                    "Also write the users' profile state as a savepoint (a new folder) that stream starts from: "
                            + "flink run -s DIR ... stream (--half-life, --weights, --sequence-length as the stream's).")
    Path savepoint;

    @Mixin ProfileOptions profile;

    @Mixin PseudonymOptions pseudonyms;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new UsageError("--parallelism: must be >= 1: " + parallelism);
        }
        ProfileConfig config = profile.config().withIdleTtl(null); // a backfill keeps every user
        InputPlan plan;
        try {
            plan = InputFormats.resolve(format, input);
        } catch (InputSpecException e) {
            throw new UsageError(e.getMessage());
        }
        RecordParser parser = pseudonyms.wrap(plan.parser());
        if (Files.exists(output) && !Files.isDirectory(output)) {
            throw new UsageError("--output: not a folder: " + output);
        }
        if (savepoint != null && Files.exists(savepoint)) {
            throw new UsageError("--savepoint: exists already: " + savepoint);
        }
        for (String sub : new String[] {FileOutputs.PROFILES, FileOutputs.DEAD_LETTERS}) {
            Path old = output.resolve(sub);
            if (Files.exists(old)) {
                PathUtils.deleteDirectory(old);
            }
        }
        Files.createDirectories(output);

        StreamExecutionEnvironment env = JobEnvironments.create(Environments.batch(parallelism));
        ProfilePipeline.Outputs graph =
                ProfileJobs.wire(
                        env,
                        RawLineFormat.fileSource(plan),
                        "files",
                        parser,
                        config,
                        FileOutputs.profiles(output),
                        FileOutputs.deadLetters(output, new DeadLetterJson()));
        if (savepoint != null) {
            // the stream's settings: its idle-user TTL is part of the state's type
            ProfileSavepoints.write(
                    graph.events, profile.config(), savepoint.toAbsolutePath().toUri().toString());
        }
        JobExecutionResult result = env.execute("cross-interest backfill");

        long users = FileOutputs.countLines(output, FileOutputs.PROFILES);
        long dead = FileOutputs.countLines(output, FileOutputs.DEAD_LETTERS);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "backfill: %d file(s) of %s in %.1f s (parallelism %d)%n",
                plan.files().size(),
                format,
                result.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0,
                parallelism);
        out.printf(
                Locale.ROOT,
                "  profiles:     %d users  -> %s%n",
                users,
                output.resolve(FileOutputs.PROFILES));
        out.printf(
                Locale.ROOT,
                "  dead letters: %d records -> %s%n",
                dead,
                output.resolve(FileOutputs.DEAD_LETTERS));
        if (savepoint != null) {
            out.printf(
                    Locale.ROOT,
                    "  savepoint:    profile state of %d users -> %s (flink run -s %s ... stream)%n",
                    users,
                    savepoint,
                    savepoint.toAbsolutePath());
        }
        CategoryStatistics stats = new CategoryStatistics();
        for (Path file : FileOutputs.finishedFiles(output, FileOutputs.PROFILES)) {
            try (var lines = Files.lines(file)) {
                lines.forEach(line -> stats.add(ProfileJson.read(line)));
            }
        }
        out.println("  per category (the columns of the user x category matrix O):");
        out.print(stats.table(20));
        out.flush();
        return CrossInterest.EXIT_OK;
    }
}
