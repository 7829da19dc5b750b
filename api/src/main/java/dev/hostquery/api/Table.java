package dev.hostquery.api;

/** A table implementation: one {@link TableSpec} and a generator of rows. */
public interface Table {
    TableSpec spec();

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
