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

    /**
     * Named SQL views (osquery's {@code views}): {@code hostquery.views.<name>=SELECT …}. Listed in the catalog as
     * tables; a view that does not work stops the start with a line naming it. Reads through a view are authorized
     * as reads of the tables it reads.
     */
    java.util.Map<String, String> views();

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

    Security security();

    Audit audit();

    /** Who may ask what (README, "Security"). */
    interface Security {
        /**
         * Allow listening off loopback without TLS and authentication; logged as a warning at every start. For a
         * network that is private by other means only.
         */
        @WithDefault("false")
        boolean insecure();

        /**
         * Roles of a client on loopback TCP that sends no credentials; {@code none} for no anonymous access (then
         * such a client gets 401). Never applied off loopback.
         */
        @WithDefault("reader")
        java.util.List<String> anonymousRoles();

        /**
         * Bearer tokens: one per line, {@code <sha256-hex> <name> <role>[,<role>…]}, {@code #} comments. Only
         * SHA-256 hashes of the tokens are stored; the file is read again when it changes.
         */
        java.util.Optional<String> tokensFile();

        /**
         * Where the reader role may read files through {@code file} and {@code hash}: absolute paths, each allowing
         * itself and everything below it. Elsewhere those tables need a role that allows sensitive tables. List
         * only directories that nobody but root can write: a symbolic link placed in one is followed.
         */
        @WithDefault("/usr,/bin,/sbin,/lib,/lib32,/lib64,/opt,/boot,/etc/os-release")
        java.util.List<String> readerPaths();

        /**
         * Client certificates (verified against quarkus.tls' trust store) to roles: the key is the subject's
         * distinguished name as RFC 2253 writes it ({@code "CN=ci,O=acme"}) or a subject alternative name
         * ({@code "DNS:ci.acme.dev"}, {@code "URI:spiffe://acme/ci"}, {@code "EMAIL:ci@acme.dev"}); the value the
         * roles.
         */
        java.util.Map<String, java.util.List<String>> clientCertificates();

        UnixSocket unixSocket();

        Kubernetes kubernetes();

        /** Roles beyond the built-in reader, sensitive, events and admin, by name. */
        java.util.Map<String, Role> roles();

        /**
         * Most queries one principal may have running or waiting at once; one more is refused as busy. Default:
         * twice hostquery.query.connections.
         */
        java.util.Optional<Integer> maxQueriesPerPrincipal();

        /**
         * How often the TLS certificate files are looked at; changed ones are served from then on, without a
         * restart (quarkus.tls.* names them).
         */
        @WithDefault("10s")
        Duration tlsReloadInterval();

        /** Most live subscriptions (gRPC and SSE) one principal may hold; one more is refused as busy. */
        @WithDefault("8")
        int maxSubscriptionsPerPrincipal();
    }

    /** Clients of the Unix socket (quarkus.http.domain-socket), identified by SO_PEERCRED. */
    interface UnixSocket {
        /** Group that owns the socket, by name or number; its members may connect. Default: the service's group. */
        java.util.Optional<String> group();

        /** Numeric uid to roles; uid 0 (root) is admin unless listed here. */
        java.util.Map<String, java.util.List<String>> users();

        /** Numeric gid (the client's primary group) to roles, for uids not listed in users. */
        java.util.Map<String, java.util.List<String>> groups();

        /** Roles of any other uid that can connect; {@code none} for none (then it gets 403 on every read). */
        @WithDefault("reader")
        java.util.List<String> defaultRoles();
    }

    /** Kubernetes service-account tokens, reviewed by the API server (TokenReview, SubjectAccessReview). */
    interface Kubernetes {
        /** Review bearer tokens that are not in the tokens file with the API server. */
        @WithDefault("false")
        boolean enabled();

        /** The API server; default https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT (in a pod). */
        java.util.Optional<String> apiServer();

        /** CA certificates (PEM) that sign the API server's certificate. */
        @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
        String caFile();

        /** The service's own token, which the reviews are sent with; read again at each review (it rotates). */
        @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
        String tokenFile();

        /** Audiences the token must be issued for; empty for the API server's default. */
        java.util.Optional<java.util.List<String>> audiences();

        /** How long a review's decision is kept: a token reviewed once is not reviewed again within it. */
        @WithDefault("60s")
        Duration cacheTtl();

        /**
         * The resource a SubjectAccessReview asks about, as {@code get} on {@code <resource>/<role>} in this API
         * group, one review per role (like kube-rbac-proxy's resource attributes).
         */
        @WithDefault("hostquery.dev")
        String apiGroup();

        @WithDefault("nodes")
        String resource();

        /** The resource name the reviews ask about: this node's name (the chart sets it from spec.nodeName). */
        java.util.Optional<String> nodeName();

        /** Longest a review may take; past it the request gets 503. */
        @WithDefault("5s")
        Duration timeout();
    }

    /** A role defined by configuration: which tables it reads, and whether it may subscribe. */
    interface Role {
        /** Tables the role reads; {@code *} for every table that is not sensitive. */
        java.util.List<String> tables();

        /** Tables it never reads, even when another of the principal's roles would allow them. */
        java.util.Optional<java.util.List<String>> denyTables();

        /** Whether it may subscribe to the evented tables it reads. */
        @WithDefault("false")
        boolean events();
    }

    /** One JSON line per request (README, "Security"). */
    interface Audit {
        /** Write audit lines at all. Default: on when the service listens off loopback. */
        java.util.Optional<Boolean> enabled();

        /** Write them to stdout (the hostquery.audit log category, unformatted). */
        @WithDefault("true")
        boolean stdout();

        /** Also write them to this file, rotated by size; none by default. */
        java.util.Optional<String> file();

        /** Size at which the file is rotated (to file.1, file.2, …). */
        @WithDefault("10M")
        io.quarkus.runtime.configuration.MemorySize maxFileSize();

        /** Rotated files kept; the oldest beyond it is deleted. */
        @WithDefault("5")
        int maxBackups();
    }

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
