package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * {@code time}: The current time: calendar fields in UTC, the Unix time, and the host's time zone.
 */
public final class TimeTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("time")
            .description("The current time: calendar fields in UTC, the Unix time, and the host's time zone.")
            .column("weekday", ColumnType.TEXT, "Day of the week, UTC")
            .column("year", ColumnType.INTEGER, "Year, UTC")
            .column("month", ColumnType.INTEGER, "Month 1-12, UTC")
            .column("day", ColumnType.INTEGER, "Day of the month, UTC")
            .column("hour", ColumnType.INTEGER, "Hour, UTC")
            .column("minutes", ColumnType.INTEGER, "Minutes, UTC")
            .column("seconds", ColumnType.INTEGER, "Seconds, UTC")
            .column("timezone", ColumnType.TEXT, "Always UTC: the zone of the calendar fields")
            .column("local_timezone", ColumnType.TEXT, "Abbreviation of the host time zone (TZ or /etc/localtime)")
            .column("unix_time", ColumnType.INTEGER, "Seconds since the epoch")
            .column("timestamp", ColumnType.TEXT, "asctime-style time, UTC")
            .column("datetime", ColumnType.TEXT, "ISO 8601 time, UTC")
            .column("iso_8601", ColumnType.TEXT, "ISO 8601 time, UTC")
            .example("SELECT unix_time, iso_8601 FROM time")
            .build();

    public TimeTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
        String iso = DateTimeFormatter.ISO_INSTANT.format(now);
        new RowBuilder(SPEC).set("weekday", utc.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT))
                .set("year", utc.getYear()).set("month", utc.getMonthValue()).set("day", utc.getDayOfMonth())
                .set("hour", utc.getHour()).set("minutes", utc.getMinute()).set("seconds", utc.getSecond())
                .set("timezone", "UTC")
                .set("local_timezone", now.atZone(ZoneId.systemDefault()).format(ZONE))
                .set("unix_time", now.getEpochSecond()).set("timestamp", ASCTIME.format(utc) + " UTC")
                .set("datetime", iso).set("iso_8601", iso).emit(sink);
    }

    private static final DateTimeFormatter ZONE = DateTimeFormatter.ofPattern("zzz", Locale.ROOT);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);
}
