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

    Http http();

    /** Bounds on HTTP requests beyond Quarkus' own (quarkus.http.limits.*). */
    interface Http {
        /**
         * Longest a client may take to send a request's body once its headers arrived; a slower one gets 408 and
         * its connection is closed, so half-sent bodies cannot hold connections and memory.
         */
        @WithDefault("10s")
        Duration bodyTimeout();
    }

    Events events();

    /** Event capture and subscriptions. */
    interface Events {
        /** Capture events at all; false leaves out the *_events tables and subscriptions. */
        @WithDefault("true")
        boolean enabled();

        /** Directory of the RocksDB event store; created when missing. One service per directory. */
        @WithDefault("${user.home}/.hostquery/events")
        String storePath();

        /** Events older than this expire. */
        @WithDefault("1h")
        Duration maxAge();

        /** Most events kept per table; the oldest beyond it expire. */
        @WithDefault("100000")
        long maxEvents();

        /** How often expiry runs in the background. */
        @WithDefault("5s")
        Duration expiryInterval();

        /** Live subscriptions (gRPC and SSE together) served at once; more are refused as busy. */
        @WithDefault("64")
        int maxSubscriptions();

        /**
         * Longest a subscriber may leave its flow-control window full before its subscription ends (it can resume
         * with its cursor): a stalled client must not keep a slot and a thread for ever.
         */
        @WithDefault("60s")
        Duration stallTimeout();

        FileEvents file();

        ProcessEvents process();

        SocketEvents socket();
    }

    /** file_events: what inotify watches. */
    interface FileEvents {
        /** Category name to path patterns (osquery's: /etc/%% recursive, /etc/% one level); none by default. */
        java.util.Map<String, java.util.List<String>> paths();

        /** Paths or patterns whose changes are ignored. */
        java.util.Optional<java.util.List<String>> excludePaths();

        /** Categories whose created and updated files are hashed (MD5, SHA-1, SHA-256). */
        java.util.Optional<java.util.List<String>> hashCategories();
    }

    /** process_events: which backend feeds it. */
    interface ProcessEvents {
        /** proc_connector (netlink process connector), audit (Linux audit, full argv), or none; both need root. */
        @WithDefault("proc_connector")
        String backend();
    }

    /** socket_events: which backend feeds it. */
    interface SocketEvents {
        /** audit (Linux audit: connect, bind, accept; needs root) or none. */
        @WithDefault("none")
        String backend();
    }

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

        /**
         * Most connections one client (its address, later its principal) holds at once; further queries of that
         * client wait their turn. Default: half the connections, at least one.
         */
        java.util.Optional<Integer> connectionsPerClient();

        /**
         * Most that SQLite's heap may grow while one query runs, bytes; beyond it the query fails with
         * limit_exceeded (memory) and leaves the rest of the heap to the others. Default: a quarter of heap-limit.
         */
        java.util.Optional<Long> memoryPerQuery();

        /** Table generators running at once across all queries (platform threads of a bounded pool). */
        @WithDefault("64")
        int tableThreads();

        /** Scans that may wait for a table thread; one more fails its query as busy. */
        @WithDefault("256")
        int tableQueue();
    }
}
