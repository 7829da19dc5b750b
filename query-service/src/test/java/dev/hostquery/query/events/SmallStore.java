package dev.hostquery.query.events;

import java.util.HashMap;
import java.util.Map;

/** The watched directory of {@link WatchedDirectory}, a store that keeps only 10 events per table, and 2 subscriptions at most. */
public class SmallStore extends WatchedDirectory {
    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("hostquery.events.max-events", "10");
        config.put("hostquery.events.expiry-interval", "100ms");
        config.put("hostquery.events.max-subscriptions", "2");
        return config;
    }
}
