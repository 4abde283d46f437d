package io.crossinterest.jobs;

import io.crossinterest.pipeline.KafkaIo;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import picocli.CommandLine;

import javax.xml.parsers.DocumentBuilderFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/docker-compose.yml, checked as far as a machine without Docker allows: parsed, and
 * compared with the code and the build — images against the Flink and Kafka versions of the pom,
 * Flink settings from the same conf/ the local session cluster uses (no second copy in the compose
 * file), ports against conf/config.yaml and docker/prometheus.yml, the submit command parsed by the
 * real command line (jar name, bootstrap servers, topics, checkpoint directory on the volume the
 * job and task managers share), and the topics the topic service creates against those the command
 * names, including the defaults the code derives.
 */
class ComposeFileTest {
    private static final String CONF_IN_CONTAINER = "/opt/cross-interest/conf";
    private static final List<String> FLINK_SERVICES =
            List.of("jobmanager", "taskmanager", "submit");

    private static Path root;
    private static Map<String, Map<String, Object>> services;
    private static Configuration conf;
    private static Map<String, String> pomProperties;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        Path here = Path.of("").toAbsolutePath();
        root = Files.isDirectory(here.resolve("docker")) ? here : here.getParent();
        Map<String, Object> compose =
                (Map<String, Object>)
                        new Load(LoadSettings.builder().build())
                                .loadFromString(
                                        Files.readString(
                                                root.resolve("docker/docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
        assertNotNull(services, "services");
        conf = GlobalConfiguration.loadConfiguration(root.resolve("conf").toString());
        pomProperties = new LinkedHashMap<>();
        Document pom =
                DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(root.resolve("pom.xml").toFile());
        Element props =
                (Element) pom.getDocumentElement().getElementsByTagName("properties").item(0);
        for (int i = 0; i < props.getChildNodes().getLength(); i++) {
            if (props.getChildNodes().item(i) instanceof Element e) {
                pomProperties.put(e.getTagName(), e.getTextContent().strip());
            }
        }
    }

    private static Map<String, Object> service(String name) {
        Map<String, Object> s = services.get(name);
        assertNotNull(s, "service " + name);
        return s;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> service, String key) {
        Object v = service.get(key);
        return v == null ? List.of() : ((List<Object>) v).stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(String name) {
        Object env = service(name).get("environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }

    /**
     * A service's command as words (a list as written, a string split at white space as Compose
     * does).
     */
    private static List<String> command(String name) {
        Object c = service(name).get("command");
        if (c instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return Arrays.asList(String.valueOf(c).strip().split("\\s+"));
    }

    /** The -D key=value pairs of a Flink daemon's command. */
    private static Map<String, String> dynamicProperties(String name) {
        List<String> words = command(name);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals("-D")) {
                String[] kv = words.get(i + 1).split("=", 2);
                out.put(kv[0], kv[1]);
            }
        }
        return out;
    }

    @Test
    void imagesAreTheVersionsTheBuildUses() {
        String flink = "flink:" + pomProperties.get("flink.version") + "-java17";
        for (String s : FLINK_SERVICES) {
            assertEquals(flink, service(s).get("image"), s);
        }
        String kafka = "apache/kafka:" + pomProperties.get("kafka.broker.version");
        assertEquals(kafka, service("kafka").get("image"));
        assertEquals(kafka, service("topics").get("image"));
    }

    @Test
    void flinkSettingsComeFromConfOnly() throws Exception {
        for (String s : FLINK_SERVICES) {
            assertEquals(CONF_IN_CONTAINER, environment(s).get("FLINK_CONF_DIR"), s);
            assertTrue(
                    list(service(s), "volumes").contains("../conf:" + CONF_IN_CONTAINER + ":ro"),
                    s + " mounts conf/");
        }
        for (String s : services.keySet()) {
            assertFalse(
                    environment(s).containsKey("FLINK_PROPERTIES"),
                    s + ": Flink settings belong in conf/");
        }
        // what Flink's scripts read from the configuration directory: the daemons in the
        // foreground, the CLI
        for (String f :
                List.of("config.yaml", "log4j-console.properties", "log4j-cli.properties")) {
            assertTrue(Files.isRegularFile(root.resolve("conf").resolve(f)), "conf/" + f);
        }
        assertEquals("rocksdb", conf.toMap().get("state.backend.type"));
        assertEquals(
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                conf.toMap().get("metrics.reporter.prom.factory.class"));
        // the JDK 17 flags Flink's scripts give every JVM: the build's list, not a copy that drifts
        assertEquals(
                Arrays.asList(pomProperties.get("jdk17.flags").split("\\s+")),
                Arrays.asList(conf.get(CoreOptions.FLINK_JVM_OPTIONS).strip().split("\\s+")));

        // the dynamic properties are only what belongs to the containers, and are Flink's option
        // names
        Set<String> allowed =
                Set.of(
                        JobManagerOptions.ADDRESS.key(),
                        RestOptions.ADDRESS.key(),
                        CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(),
                        CheckpointingOptions.SAVEPOINT_DIRECTORY.key(),
                        JobManagerOptions.TOTAL_PROCESS_MEMORY.key(),
                        TaskManagerOptions.TOTAL_PROCESS_MEMORY.key());
        for (String s : List.of("jobmanager", "taskmanager")) {
            assertEquals(s, command(s).get(0));
            Map<String, String> d = dynamicProperties(s);
            assertTrue(allowed.containsAll(d.keySet()), s + ": " + d.keySet());
            assertEquals(
                    "jobmanager",
                    d.get(JobManagerOptions.ADDRESS.key()),
                    s + " finds the job manager");
            String checkpoints = d.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
            assertNotNull(checkpoints, s);
            assertTrue(checkpoints.startsWith("file:///flink-data/"), s + ": " + checkpoints);
            assertTrue(
                    list(service(s), "volumes").contains("flink-data:/flink-data"),
                    s + " shares flink-data");
        }
        assertEquals(
                dynamicProperties("jobmanager")
                        .get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()),
                dynamicProperties("taskmanager")
                        .get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()));
    }

    @Test
    void portsMatchConfAndPrometheus() throws Exception {
        int rest = conf.get(RestOptions.PORT);
        assertEquals(List.of(rest + ":" + rest), list(service("jobmanager"), "ports"));
        String promRange = conf.toMap().get("metrics.reporter.prom.port");
        assertNotNull(promRange);
        int prom = Integer.parseInt(promRange.split("-")[0].strip());
        String scrape = Files.readString(root.resolve("docker/prometheus.yml"));
        Matcher m = Pattern.compile("targets:\\s*\\[(.*)]").matcher(scrape);
        assertTrue(m.find(), scrape);
        Set<String> targets = new TreeSet<>();
        for (String t : m.group(1).split(",")) {
            targets.add(t.strip().replace("\"", ""));
        }
        // one reporter per container: the first port of the range is free there
        assertEquals(Set.of("jobmanager:" + prom, "taskmanager:" + prom), targets);
        assertEquals(List.of("9092:9092"), list(service("kafka"), "ports"));
        assertEquals(
                "PLAINTEXT://kafka:9092", environment("kafka").get("KAFKA_ADVERTISED_LISTENERS"));
        long maxTimeout =
                Long.parseLong(environment("kafka").get("KAFKA_TRANSACTION_MAX_TIMEOUT_MS"));
        assertTrue(
                Long.parseLong(KafkaIo.TRANSACTION_TIMEOUT_MS) <= maxTimeout,
                "the job's transaction timeout is accepted by the broker");
    }

    @Test
    void theSubmitCommandIsAValidStreamCommandOnTheSharedTopicsAndVolume() throws Exception {
        List<String> words = command("submit");
        int rest = conf.get(RestOptions.PORT);
        assertEquals(
                List.of("flink", "run", "-d", "-m", "jobmanager:" + rest), words.subList(0, 5));
        Document pom =
                DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(root.resolve("flink-jobs/pom.xml").toFile());
        String jarName =
                pom.getElementsByTagName("finalName").item(0).getTextContent().strip() + ".jar";
        String jar = words.get(5);
        assertTrue(
                list(service("submit"), "volumes")
                        .contains("../flink-jobs/target:/opt/cross-interest/jobs:ro"));
        assertEquals(
                "/opt/cross-interest/jobs/" + jarName, jar, "the job jar as the build names it");

        List<String> args = words.subList(6, words.size());
        assertEquals("stream", args.get(0));
        CommandLine.ParseResult parsed =
                CrossInterest.commandLine().parseArgs(args.toArray(String[]::new));
        Object command = parsed.subcommand().commandSpec().userObject();
        assertTrue(command instanceof StreamCommand, String.valueOf(command));
        StreamCommand stream = (StreamCommand) command;
        stream.scoring.validate();
        assertEquals("kafka:9092", stream.bootstrapServers);
        assertTrue(
                stream.checkpointDir.startsWith(Path.of("/flink-data")),
                "checkpoints on the volume the job and task managers share: "
                        + stream.checkpointDir);

        // the topics the command reads and writes, with the code's default for the control errors
        Set<String> named =
                new TreeSet<>(
                        List.of(stream.inputTopic, stream.outputTopic, stream.deadLetterTopic));
        assertTrue(stream.scoring.enabled());
        named.add(stream.scoring.recommendationsTopic);
        named.add(stream.scoring.controlTopic);
        named.add(
                stream.scoring.controlErrorTopic != null
                        ? stream.scoring.controlErrorTopic
                        : stream.scoring.controlTopic + "-errors");
        String create = String.join(" ", command("topics"));
        Matcher m = Pattern.compile("for t in ([^;]+);").matcher(create);
        assertTrue(m.find(), create);
        Set<String> created = new TreeSet<>(Arrays.asList(m.group(1).strip().split("\\s+")));
        assertEquals(
                named,
                created,
                "the topic service creates exactly the topics of the submit command");
        assertTrue(create.contains("--bootstrap-server kafka:9092"), create);
        List<String> dependsOn = new ArrayList<>(list(service("submit"), "depends_on"));
        assertTrue(
                dependsOn.containsAll(List.of("jobmanager", "kafka", "topics")),
                dependsOn.toString());
    }
}
