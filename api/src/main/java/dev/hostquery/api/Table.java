package dev.hostquery.api;

/** A table implementation: one {@link TableSpec} and a generator of rows. */
public interface Table {
    TableSpec spec();

    /**
     * Whether a scan may be long or large. True (the default) runs the generator on a thread of its own, so
     * that SQLite can stop it early (LIMIT) and the time limit applies while it works. A table that reads a
     * handful of rows from memory or one small file returns false: its generator then runs on the query's
     * thread, which saves a thread hand-off per scan.
     */
    default boolean streams() {
        return true;
    }

    /**
     * Produces the rows for one scan into {@code sink}, stopping early when the sink returns false.
     *
     * <p>Runs on a thread of its own while SQLite consumes the rows, so it may block on I/O; it must not
     * use the SQL engine. It should write rows as it finds them rather than build a whole list.
     *
     * @throws InvalidConstraintException when a constraint value cannot be used (a relative path, say)
     * @throws Exception                  any other failure, reported to the client with the table's name
     */
    void generate(QueryContext context, RowSink sink) throws Exception;
}
