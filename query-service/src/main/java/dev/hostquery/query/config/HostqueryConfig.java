package dev.hostquery.query.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** hostquery's own settings ({@code hostquery.*}); each is described in the README's configuration table. */
@ConfigMapping(prefix = "hostquery")
public interface HostqueryConfig {
    /** Directory under which /proc, /sys, /etc, /var and home directories are read; /host in a DaemonSet. */
    @WithDefault("/")
    String hostRoot();

    Query query();

    interface Query {
        /** SQLite connections, i.e. queries that run at once. */
        @WithDefault("8")
        int connections();

        /** Longest a query may run, connection wait included; a request may ask for less. */
        @WithDefault("30s")
        Duration timeout();

        /** Most rows a result may have; a request may ask for fewer. */
        @WithDefault("100000")
        long maxRows();

        /** Largest result (text and blob bytes, 8 per number); a request may ask for less. */
        @WithDefault("67108864")
        long maxResultBytes();

        /** Hard limit on the memory SQLite may allocate in this process, bytes (sqlite3_hard_heap_limit64). */
        @WithDefault("268435456")
        long heapLimit();
    }
}
