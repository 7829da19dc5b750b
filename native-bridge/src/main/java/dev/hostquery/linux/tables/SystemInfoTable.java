package dev.hostquery.linux.tables;

import dev.hostquery.api.ColumnFlag;
import dev.hostquery.api.ColumnType;
import dev.hostquery.api.QueryContext;
import dev.hostquery.api.RowBuilder;
import dev.hostquery.api.RowSink;
import dev.hostquery.api.TableSpec;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code system_info}: Host identity and hardware: host name (/proc/sys/kernel/hostname), CPU (/proc/cpuinfo), memory (/proc/meminfo) and the DMI data in /sys/class/dmi/id (serials and UUID need root).
 */
public final class SystemInfoTable extends LinuxTable {
    static final TableSpec SPEC = TableSpec.builder("system_info")
            .description("Host identity and hardware: host name (/proc/sys/kernel/hostname), CPU (/proc/cpuinfo), memory (/proc/meminfo) and the DMI data in /sys/class/dmi/id (serials and UUID need root).")
            .column("hostname", ColumnType.TEXT, "Host name")
            .column("uuid", ColumnType.TEXT, "NOCASE", "Hardware UUID from DMI (product_uuid); NULL when unreadable")
            .column("cpu_type", ColumnType.TEXT, "CPU architecture (x86_64, aarch64)")
            .column("cpu_subtype", ColumnType.TEXT, "CPU model number from /proc/cpuinfo")
            .column("cpu_brand", ColumnType.TEXT, "CPU model name")
            .column("cpu_physical_cores", ColumnType.INTEGER, "Physical cores (distinct physical id and core id pairs)")
            .column("cpu_logical_cores", ColumnType.INTEGER, "Logical CPUs")
            .column("cpu_sockets", ColumnType.INTEGER, "CPU sockets (distinct physical ids)")
            .column("cpu_microcode", ColumnType.TEXT, "Microcode revision")
            .column("physical_memory", ColumnType.BIGINT, "Total memory, bytes")
            .column("hardware_vendor", ColumnType.TEXT, "System vendor (DMI sys_vendor)")
            .column("hardware_model", ColumnType.TEXT, "Product name (DMI)")
            .column("hardware_version", ColumnType.TEXT, "Product version (DMI)")
            .column("hardware_serial", ColumnType.TEXT, "Product serial (DMI; root only)")
            .column("board_vendor", ColumnType.TEXT, "Board vendor (DMI)")
            .column("board_model", ColumnType.TEXT, "Board name (DMI)")
            .column("board_version", ColumnType.TEXT, "Board version (DMI)")
            .column("board_serial", ColumnType.TEXT, "Board serial (DMI; root only)")
            .column("computer_name", ColumnType.TEXT, "Host name")
            .column("local_hostname", ColumnType.TEXT, "Host name")
            .example("SELECT hostname, cpu_brand, physical_memory FROM system_info")
            .build();

    public SystemInfoTable(HostRoot root) {
        super(root, SPEC, false);
    }

    @Override
    public void generate(QueryContext context, RowSink sink) throws Exception {
        RowBuilder row = new RowBuilder(SPEC);
        String hostname = root.value("/proc/sys/kernel/hostname").orElse(null);
        String dmi = "/sys/class/dmi/id/";
        CpuInfo cpu = parseCpuInfo(root.read("/proc/cpuinfo").orElse(""));
        Map<String, String> memory = ProcessesTable.parseStatus(root.read("/proc/meminfo").orElse(""));
        Long memTotal = Values.parseLong(memory.getOrDefault("MemTotal", "").replace("kB", ""));
        row.set("hostname", hostname).set("computer_name", hostname).set("local_hostname", hostname)
                .set("uuid", root.value(dmi + "product_uuid").map(String::toUpperCase).orElse(null))
                .set("cpu_type", OsVersionTable.architecture(root)).set("cpu_subtype", cpu.model()).set("cpu_brand", cpu.brand())
                .set("cpu_physical_cores", cpu.physicalCores()).set("cpu_logical_cores", cpu.logicalCores())
                .set("cpu_sockets", cpu.sockets()).set("cpu_microcode", cpu.microcode())
                .set("physical_memory", memTotal == null ? null : memTotal * 1024)
                .set("hardware_vendor", root.value(dmi + "sys_vendor").orElse(null))
                .set("hardware_model", root.value(dmi + "product_name").orElse(null))
                .set("hardware_version", root.value(dmi + "product_version").orElse(null))
                .set("hardware_serial", root.value(dmi + "product_serial").orElse(null))
                .set("board_vendor", root.value(dmi + "board_vendor").orElse(null))
                .set("board_model", root.value(dmi + "board_name").orElse(null))
                .set("board_version", root.value(dmi + "board_version").orElse(null))
                .set("board_serial", root.value(dmi + "board_serial").orElse(null))
                .emit(sink);
    }

    /** What system_info takes from /proc/cpuinfo; counts are null when the file lists no processor. */
    record CpuInfo(String brand, String model, String microcode, Long logicalCores, Long physicalCores, Long sockets) {
    }

    static CpuInfo parseCpuInfo(String text) {
        String brand = null;
        String model = null;
        String microcode = null;
        long logical = 0;
        Set<String> cores = new HashSet<>();
        Set<String> sockets = new HashSet<>();
        String physical = "0";
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "processor" -> logical++;
                case "model name" -> brand = brand == null ? value : brand;
                case "model" -> model = model == null ? value : model;
                case "microcode" -> microcode = microcode == null ? value : microcode;
                case "physical id" -> {
                    physical = value;
                    sockets.add(value);
                }
                case "core id" -> cores.add(physical + "/" + value);
                default -> { }
            }
        }
        if (logical == 0) {
            return new CpuInfo(brand, model, microcode, null, null, null);
        }
        return new CpuInfo(brand, model, microcode, logical, cores.isEmpty() ? logical : (long) cores.size(),
                sockets.isEmpty() ? 1L : (long) sockets.size());
    }
}
