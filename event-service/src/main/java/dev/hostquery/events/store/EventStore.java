package dev.hostquery.events.store;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The on-disk event buffer: one RocksDB column family per evented table, keyed by the big-endian store time in
 * microseconds followed by the big-endian event id, so a time range or a resume by id is one seek and expiry
 * is one {@code deleteRange}. The write-ahead log stays on: the buffer is the only copy of an event, and an
 * append that returned survives a kill of the process.
 *
 * <p>Indexes and counters live in memory and are rebuilt by a scan when the store opens: per table the first
 * and last event id, the last time, and a sparse index of every {@value #INDEX_EVERY}th id. Event ids are
 * dense, so counts are differences of ids.
 *
 * <p>Owns the RocksDB handle, the column family handles and their options; {@link #close()} stops expiry and
 * closes them once, in that order. Every RocksDBException is rethrown as {@link EventStoreException} naming
 * the table and the store's path.
 */
public final class EventStore implements AutoCloseable {
    static final int INDEX_EVERY = 256;
    private static final int KEY_SIZE = 16;

    static {
        RocksDB.loadLibrary();
    }

    /** Retention per table: events older than {@code maxAge} or beyond the newest {@code maxEvents} expire. */
    public record Retention(Duration maxAge, long maxEvents) {
        public Retention {
            requireNonNull(maxAge, "maxAge is null");
            if (maxAge.isNegative() || maxAge.isZero() || maxEvents < 1) {
                throw new IllegalArgumentException("retention must be positive: max age " + maxAge + ", max events " + maxEvents);
            }
        }
    }

    /** Counters of one table; ids are 0 when the table is empty. */
    public record TableStats(String table, long firstEid, long lastEid, long count, long stored, long expired) {
    }

    private final Path path;
    private final Retention retention;
    private final DBOptions dbOptions; // owned
    private final ColumnFamilyOptions cfOptions; // owned
    private final WriteOptions writeOptions; // owned
    private final RocksDB db; // owned
    private final List<ColumnFamilyHandle> handles; // owned, all column families including default
    private final Map<String, TableState> tables = new LinkedHashMap<>();
    private final ScheduledExecutorService expiry;
    private volatile boolean closed;

    private EventStore(Path path, Retention retention, Collection<String> tableNames) {
        this.path = path;
        this.retention = retention;
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxTotalWalSize(64L << 20).setKeepLogFileNum(3);
        this.cfOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(8L << 20);
        this.writeOptions = new WriteOptions(); // WAL on, no fsync per write: survives a process kill
        List<byte[]> names = new ArrayList<>();
        names.add(RocksDB.DEFAULT_COLUMN_FAMILY);
        try {
            Files.createDirectories(path);
            if (Files.exists(path.resolve("CURRENT"))) {
                try (org.rocksdb.Options options = new org.rocksdb.Options()) {
                    for (byte[] existing : RocksDB.listColumnFamilies(options, path.toString())) {
                        if (!new String(existing, StandardCharsets.UTF_8).equals("default")) {
                            names.add(existing);
                        }
                    }
                }
            }
            for (String table : tableNames) {
                byte[] name = table.getBytes(StandardCharsets.UTF_8);
                if (names.stream().noneMatch(n -> java.util.Arrays.equals(n, name))) {
                    names.add(name);
                }
            }
            List<ColumnFamilyDescriptor> descriptors = names.stream().map(n -> new ColumnFamilyDescriptor(n, cfOptions)).toList();
            handles = new ArrayList<>();
            db = RocksDB.open(dbOptions, path.toString(), descriptors, handles);
        } catch (RocksDBException | IOException e) {
            writeOptions.close();
            cfOptions.close();
            dbOptions.close();
            throw new EventStoreException("cannot open the event store at " + path + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < names.size(); i++) {
            String name = new String(names.get(i), StandardCharsets.UTF_8);
            if (tableNames.contains(name)) {
                TableState state = new TableState(name, handles.get(i));
                rebuild(state);
                tables.put(name, state);
            }
        }
        expiry = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("hostquery-expiry").daemon(true).factory());
    }

    /**
     * Opens (or creates) the store at {@code path} with a column family for each table, rebuilds the in-memory
     * indexes, and expires in the background every {@code expiryPeriod}.
     *
     * @throws EventStoreException when RocksDB cannot open the directory (another process holds its lock, say)
     */
    public static EventStore open(Path path, Collection<String> tables, Retention retention, Duration expiryPeriod) {
        EventStore store = new EventStore(path.toAbsolutePath(), retention, List.copyOf(tables));
        long period = Math.max(1, expiryPeriod.toMillis());
        store.expiry.scheduleWithFixedDelay(store::expireQuietly, period, period, TimeUnit.MILLISECONDS);
        return store;
    }

    public Path path() {
        return path;
    }

    public Retention retention() {
        return retention;
    }

    public List<String> tables() {
        return List.copyOf(tables.keySet());
    }

    /**
     * Appends rows to a table in one write batch and returns the id of the last one (0 for no rows). Rows are
     * stamped with the current time, never earlier than the table's previous event.
     *
     * @throws EventStoreException when the write fails; nothing of the batch is then stored
     */
    public long append(String table, List<Object[]> rows) {
        TableState state = state(table);
        if (rows.isEmpty()) {
            return state.lastEid;
        }
        synchronized (state) {
            long time = Math.max(System.currentTimeMillis() * 1000, state.lastTimeMicros);
            long eid = state.lastEid;
            byte[] firstKey = null;
            List<byte[]> indexed = new ArrayList<>();
            try (WriteBatch batch = new WriteBatch()) {
                for (Object[] row : rows) {
                    eid++;
                    byte[] key = key(time, eid);
                    if (firstKey == null) {
                        firstKey = key;
                    }
                    if (eid % INDEX_EVERY == 0) {
                        indexed.add(key);
                    }
                    batch.put(state.handle, key, RowCodec.encode(row));
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw failure(table, "append", e);
            }
            if (state.firstEid == 0) {
                state.firstEid = state.lastEid + 1;
                state.firstKey = firstKey;
                state.index.put(state.firstEid, firstKey);
            }
            for (byte[] key : indexed) {
                state.index.put(eidOf(key), key);
            }
            state.stored += rows.size();
            state.lastEid = eid;
            state.lastTimeMicros = time;
            state.notifyAll();
            return eid;
        }
    }

    /**
     * Reads events with an id greater than {@code afterEid}, oldest first, until {@code consumer} returns false
     * or the table ends.
     */
    public void scanAfterEid(String table, long afterEid, Predicate<StoredEvent> consumer) {
        TableState state = state(table);
        byte[] start;
        synchronized (state) {
            if (state.firstEid == 0 || afterEid >= state.lastEid) {
                return;
            }
            start = afterEid < state.firstEid ? state.firstKey : keyOf(state, afterEid + 1);
        }
        scan(state, start, afterEid, consumer);
    }

    /** Reads events stored at or after {@code fromMicros}, oldest first, until {@code consumer} returns false. */
    public void scanFromTime(String table, long fromMicros, Predicate<StoredEvent> consumer) {
        scan(state(table), key(Math.max(0, fromMicros), 0), 0, consumer);
    }

    private void scan(TableState state, byte[] start, long afterEid, Predicate<StoredEvent> consumer) {
        try (ReadOptions options = new ReadOptions(); RocksIterator it = db.newIterator(state.handle, options)) {
            for (it.seek(start); it.isValid(); it.next()) {
                byte[] key = it.key();
                long eid = eidOf(key);
                if (eid <= afterEid) {
                    continue;
                }
                if (!consumer.test(new StoredEvent(eid, timeOf(key), RowCodec.decode(it.value())))) {
                    return;
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure(state.name, "read", e);
        }
    }

    /**
     * Waits until the table holds an event with an id greater than {@code eid}, at most {@code timeout}; returns
     * the table's last id (which is still {@code eid} or less after a timeout).
     */
    public long awaitAfter(String table, long eid, Duration timeout) throws InterruptedException {
        TableState state = state(table);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (state) {
            while (state.lastEid <= eid && !closed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(state, remaining);
            }
            return state.lastEid;
        }
    }

    public TableStats stats(String table) {
        TableState state = state(table);
        synchronized (state) {
            long count = state.firstEid == 0 ? 0 : state.lastEid - state.firstEid + 1;
            return new TableStats(table, state.firstEid, state.lastEid, count, state.stored, state.expired);
        }
    }

    /** Bytes the store's directory holds on disk (tables, write-ahead log, manifests). */
    public long sizeBytes() {
        try (var files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file compaction just removed
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * Applies the retention to every table now: deletes, as one range per table, the events older than the
     * maximum age and those beyond the maximum count. Returns how many events expired.
     */
    public long expire() {
        long expired = 0;
        for (TableState state : tables.values()) {
            expired += expire(state);
        }
        return expired;
    }

    private void expireQuietly() {
        try {
            if (!closed) {
                expire();
            }
        } catch (RuntimeException e) {
            System.getLogger(EventStore.class.getName()).log(System.Logger.Level.WARNING, "event expiry failed", e);
        }
    }

    private long expire(TableState state) {
        byte[] from;
        byte[] to;
        long newFirst;
        synchronized (state) {
            if (state.firstEid == 0) {
                return 0;
            }
            newFirst = state.firstEid;
            long cutoff = System.currentTimeMillis() * 1000 - retention.maxAge().toNanos() / 1000;
            if (timeOf(state.firstKey) < cutoff) {
                newFirst = firstAtOrAfter(state, key(cutoff, 0));
            }
            newFirst = Math.max(newFirst, state.lastEid - retention.maxEvents() + 1);
            if (newFirst <= state.firstEid) {
                return 0;
            }
            from = state.firstKey;
            to = newFirst > state.lastEid ? key(state.lastTimeMicros, state.lastEid + 1) : keyOf(state, newFirst);
            long count = newFirst - state.firstEid;
            state.expired += count;
            state.firstEid = newFirst > state.lastEid ? 0 : newFirst;
            state.firstKey = newFirst > state.lastEid ? null : to;
            state.index.headMap(newFirst).clear();
            if (state.firstKey != null) {
                state.index.put(newFirst, to);
            }
            try {
                db.deleteRange(state.handle, from, to);
            } catch (RocksDBException e) {
                throw failure(state.name, "expire", e);
            }
            return count;
        }
    }

    /** The id of the first event whose key is at or after {@code key}; lastEid + 1 when there is none. */
    private long firstAtOrAfter(TableState state, byte[] key) {
        try (ReadOptions options = new ReadOptions(); RocksIterator it = db.newIterator(state.handle, options)) {
            it.seek(key);
            if (it.isValid()) {
                return eidOf(it.key());
            }
            it.status();
            return state.lastEid + 1;
        } catch (RocksDBException e) {
            throw failure(state.name, "read", e);
        }
    }

    /** The key of event {@code eid} (which must exist): from the sparse index, then at most INDEX_EVERY steps. */
    private byte[] keyOf(TableState state, long eid) {
        Map.Entry<Long, byte[]> floor = state.index.floorEntry(eid);
        byte[] start = floor == null ? state.firstKey : floor.getValue();
        try (ReadOptions options = new ReadOptions(); RocksIterator it = db.newIterator(state.handle, options)) {
            for (it.seek(start); it.isValid(); it.next()) {
                if (eidOf(it.key()) >= eid) {
                    return it.key();
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure(state.name, "read", e);
        }
        return key(state.lastTimeMicros, eid);
    }

    private void rebuild(TableState state) {
        try (ReadOptions options = new ReadOptions(); RocksIterator it = db.newIterator(state.handle, options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                long eid = eidOf(key);
                if (state.firstEid == 0) {
                    state.firstEid = eid;
                    state.firstKey = key;
                    state.index.put(eid, key);
                } else if (eid % INDEX_EVERY == 0) {
                    state.index.put(eid, key);
                }
                state.lastEid = eid;
                state.lastTimeMicros = timeOf(key);
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure(state.name, "rebuild the index of", e);
        }
    }

    private TableState state(String table) {
        if (closed) {
            throw new EventStoreException("the event store at " + path + " is closed");
        }
        TableState state = tables.get(table);
        if (state == null) {
            throw new IllegalArgumentException("the event store has no table '" + table + "'; it has " + tables.keySet());
        }
        return state;
    }

    private EventStoreException failure(String table, String action, RocksDBException e) {
        return new EventStoreException("cannot " + action + " events of '" + table + "' in " + path + ": " + e.getMessage(), e);
    }

    static byte[] key(long timeMicros, long eid) {
        return ByteBuffer.allocate(KEY_SIZE).putLong(timeMicros).putLong(eid).array();
    }

    static long timeOf(byte[] key) {
        return ByteBuffer.wrap(key).getLong(0);
    }

    static long eidOf(byte[] key) {
        return ByteBuffer.wrap(key).getLong(8);
    }

    /** Stops expiry and closes column families, the database and the options, once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        expiry.shutdownNow();
        try {
            expiry.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (TableState state : tables.values()) {
            synchronized (state) {
                state.notifyAll();
            }
        }
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        db.close();
        writeOptions.close();
        cfOptions.close();
        dbOptions.close();
    }

    /** In-memory index and counters of one table; guarded by its own monitor. */
    private static final class TableState {
        final String name;
        final ColumnFamilyHandle handle;
        final NavigableMap<Long, byte[]> index = new ConcurrentSkipListMap<>();
        long firstEid;
        byte[] firstKey;
        long lastEid;
        long lastTimeMicros;
        long stored;
        long expired;

        TableState(String name, ColumnFamilyHandle handle) {
            this.name = name;
            this.handle = handle;
        }
    }
}
