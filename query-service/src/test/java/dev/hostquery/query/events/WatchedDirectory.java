package dev.hostquery.query.events;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A fresh directory watched as category "test" (recursively, hashed), and a fresh event store. */
public class WatchedDirectory implements QuarkusTestResourceLifecycleManager {
    static Path directory;

    @Override
    public Map<String, String> start() {
        try {
            directory = Files.createTempDirectory("hostquery-watched-");
            Path store = Files.createTempDirectory("hostquery-store-");
            return Map.of("hostquery.events.file.paths.test", directory + "/%%", "hostquery.events.file.hash-categories", "test",
                    "hostquery.events.store-path", store.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
