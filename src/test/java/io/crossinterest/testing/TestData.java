package io.crossinterest.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where ../shared/data is (surefire passes it as the system property {@code shared.data.dir}). */
public final class TestData {
    private TestData() {}

    public static Path sharedData() {
        String dir = System.getProperty("shared.data.dir", "../shared/data");
        return Paths.get(dir);
    }

    /** A file under the shared data folder; the test fails naming it if the data is not there. */
    public static Path require(String relative) {
        Path p = sharedData().resolve(relative);
        assertTrue(Files.isRegularFile(p), "shared data not present: " + p);
        return p;
    }
}
