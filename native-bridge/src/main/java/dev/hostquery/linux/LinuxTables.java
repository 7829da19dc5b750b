package dev.hostquery.linux;

import dev.hostquery.api.Table;
import dev.hostquery.linux.tables.*;
import java.util.List;

/** Every Linux table hostquery offers, reading the host under one {@link HostRoot}. */
public final class LinuxTables {
    private LinuxTables() {
    }

    /** One instance of every table, ordered by name. */
    public static List<Table> all(HostRoot root) {
        return List.of(
                new AptSourcesTable(root),
                new ArpCacheTable(root),
                new AuthorizedKeysTable(root),
                new BlockDevicesTable(root),
                new CpuTimeTable(root),
                new CrontabTable(root),
                new DebPackagesTable(root),
                new DnsResolversTable(root),
                new EtcHostsTable(root),
                new EtcProtocolsTable(root),
                new EtcServicesTable(root),
                new ExtendedAttributesTable(root),
                new FileTable(root),
                new GroupsTable(root),
                new HashTable(root),
                new InterfaceAddressesTable(root),
                new InterfaceDetailsTable(root),
                new KernelInfoTable(root),
                new KernelModulesTable(root),
                new LastTable(root),
                new ListeningPortsTable(root),
                new LoadAverageTable(root),
                new LoggedInUsersTable(root),
                new MemoryInfoTable(root),
                new MountsTable(root),
                new OsVersionTable(root),
                new ProcessEnvsTable(root),
                new ProcessMemoryMapTable(root),
                new ProcessNamespacesTable(root),
                new ProcessOpenFilesTable(root),
                new ProcessOpenSocketsTable(root),
                new ProcessesTable(root),
                new RoutesTable(root),
                new ShadowTable(root),
                new ShellHistoryTable(root),
                new SuidBinTable(root),
                new SystemControlsTable(root),
                new SystemInfoTable(root),
                new TimeTable(root),
                new UlimitInfoTable(root),
                new UptimeTable(root),
                new UserGroupsTable(root),
                new UserSshKeysTable(root),
                new UsersTable(root));
    }
}
