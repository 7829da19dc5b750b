package dev.hostquery.linux.tables;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parsers, on fixture text shaped like the real files. */
class ParsersTest {
    @Test
    void statNameEndsAtTheLastParenthesis() {
        String line = "1234 (my (weird) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 3 0 98765 1000 200";
        ProcessesTable.Stat stat = ProcessesTable.parseStat(line);
        assertThat(stat.name()).isEqualTo("my (weird) name");
        assertThat(stat.state()).isEqualTo("S");
        assertThat(stat.parent()).isEqualTo(1);
        assertThat(stat.userTicks()).isEqualTo(250);
        assertThat(stat.systemTicks()).isEqualTo(130);
        assertThat(stat.nice()).isEqualTo(0);
        assertThat(stat.threads()).isEqualTo(3);
        assertThat(stat.startTicks()).isEqualTo(98765);
        assertThat(ProcessesTable.parseStat("garbage")).isNull();
    }

    @Test
    void statusCmdlineAndCgroup() {
        Map<String, String> status = ProcessesTable.parseStatus("Name:\tbash\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t  4096 kB\n");
        assertThat(status).containsEntry("Name", "bash").containsEntry("VmRSS", "4096 kB");
        assertThat(dev.hostquery.linux.ProcText.statusFields("Name:\tbash\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t  4096 kB",
                new String[] {"VmRSS:", "Uid:", "VmLck:"})).containsExactly("4096 kB", "1000\t1000\t1000\t1000", null);
        assertThat(dev.hostquery.linux.ProcText.joinNul("ls\0-l\0/tmp dir\0".getBytes(StandardCharsets.UTF_8))).isEqualTo("ls -l /tmp dir");
        assertThat(dev.hostquery.linux.ProcText.joinNul(new byte[0])).isEmpty();
        assertThat(ProcessesTable.parseCgroup("0::/system.slice/ssh.service\n")).isEqualTo("/system.slice/ssh.service");
        assertThat(ProcessEnvsTable.parseEnviron("A=1\0B=x=y\0C\0".getBytes(StandardCharsets.UTF_8)))
                .extracting(p -> p[0] + "|" + p[1]).containsExactly("A|1", "B|x=y", "C|");
    }

    @Test
    void memoryMapLines() {
        var m = ProcessMemoryMapTable.parseMapLine("7f1c2a000000-7f1c2a021000 r-xp 0001a000 fd:00 131090   /usr/lib/libc.so.6");
        assertThat(m.start()).isEqualTo("0x7f1c2a000000");
        assertThat(m.offset()).isEqualTo(0x1a000);
        assertThat(m.inode()).isEqualTo(131090);
        assertThat(m.path()).isEqualTo("/usr/lib/libc.so.6");
        assertThat(ProcessMemoryMapTable.parseMapLine("7ffd1000-7ffd2000 rw-p 00000000 00:00 0").path()).isEmpty();
    }

    @Test
    void socketTables() {
        String tcp = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 16731 1 0
                   1: 0100007F:0277 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 16800 1 0
                """;
        List<Sockets.Entry> entries = Sockets.parseInet(tcp, Sockets.AF_INET, Sockets.IPPROTO_TCP);
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).localAddress()).isEqualTo("127.0.0.1");
        assertThat(entries.get(0).localPort()).isEqualTo(631);
        assertThat(entries.get(0).state()).isEqualTo("LISTEN");
        assertThat(entries.get(0).listening()).isTrue();
        assertThat(entries.get(1).remotePort()).isEqualTo(0xD2F0);
        assertThat(entries.get(1).listening()).isFalse();
        assertThat(Sockets.address("00000000000000000000000001000000")).isEqualTo("::1");
        assertThat(Sockets.address("0000000000000000FFFF00000100007F")).isEqualTo("::ffff:127.0.0.1");
        assertThat(Sockets.address("B80D0120000000000000000001000000")).isEqualTo("2001:db8::1");
        String unix = """
                Num       RefCount Protocol Flags    Type St Inode Path
                0000000000000000: 00000002 00000000 00010000 0001 01 20335 /run/dbus/system_bus_socket
                0000000000000000: 00000003 00000000 00000000 0001 03 20400
                """;
        List<Sockets.Entry> sockets = Sockets.parseUnix(unix);
        assertThat(sockets).hasSize(2);
        assertThat(sockets.get(0).listening()).isTrue();
        assertThat(sockets.get(0).path()).isEqualTo("/run/dbus/system_bus_socket");
        assertThat(sockets.get(1).listening()).isFalse();
    }

    @Test
    void accounts() {
        var users = Accounts.parsePasswd("root:x:0:0:root:/root:/bin/bash\n# comment\nbad line\n+nis::::::\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        assertThat(users).extracting(Accounts.User::name).containsExactly("root", "nobody");
        assertThat(users.get(1).uid()).isEqualTo(65534);
        var groups = Accounts.parseGroup("sudo:x:27:alice,bob\nusers:x:100:\n");
        assertThat(groups.get(0).members()).containsExactly("alice", "bob");
        assertThat(groups.get(1).members()).isEmpty();
        assertThat(ShadowTable.hashAlgorithm("$6$salt$hash")).isEqualTo("SHA-512");
        assertThat(ShadowTable.hashAlgorithm("!$y$j9T$salt$hash")).isEqualTo("yescrypt");
        assertThat(ShadowTable.hashAlgorithm("*")).isNull();
        assertThat(ShadowTable.passwordStatus("!$6$x")).isEqualTo("locked");
        assertThat(ShadowTable.passwordStatus("")).isEqualTo("empty");
    }

    @Test
    void utmpRecords() {
        ByteBuffer b = ByteBuffer.allocate(Utmp.RECORD_SIZE * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 7).putInt(4, 4242).putInt(340, 1_700_000_000);
        b.put(8, "pts/0".getBytes(StandardCharsets.UTF_8)).put(44, "alice".getBytes(StandardCharsets.UTF_8))
                .put(76, "10.0.0.9".getBytes(StandardCharsets.UTF_8));
        b.putShort(Utmp.RECORD_SIZE, (short) 2);
        List<Utmp.Entry> entries = Utmp.parse(b.array());
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0)).isEqualTo(new Utmp.Entry(7, 4242, "pts/0", "alice", "10.0.0.9", 1_700_000_000L));
        assertThat(entries.get(0).typeName()).isEqualTo("user");
        assertThat(entries.get(1).typeName()).isEqualTo("boot_time");
        assertThat(Utmp.parse(new byte[100])).isEmpty();
    }

    @Test
    void sshKeysAndHistories() {
        assertThat(AuthorizedKeysTable.parseKeyLine("ssh-ed25519 AAAAC3Nza alice@laptop"))
                .containsExactly("", "ssh-ed25519", "AAAAC3Nza", "alice@laptop");
        assertThat(AuthorizedKeysTable.parseKeyLine("from=\"10.0.0.1,10.0.0.2\",command=\"echo hi there\" ssh-rsa AAAAB3 a b"))
                .containsExactly("from=\"10.0.0.1,10.0.0.2\",command=\"echo hi there\"", "ssh-rsa", "AAAAB3", "a b");
        assertThat(AuthorizedKeysTable.parseKeyLine("# comment")).isNull();
        assertThat(AuthorizedKeysTable.parseKeyLine("not a key")).isNull();
        List<Object[]> history = ShellHistoryTable.parseHistory("#1700000000\nls -l\necho hi\n: 1700000100:0;git status\n");
        assertThat(history).extracting(e -> e[0] + "|" + e[1])
                .containsExactly("1700000000|ls -l", "null|echo hi", "1700000100|git status");
        assertThat(UserSshKeysTable.parseKey("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"))
                .isEqualTo(new UserSshKeysTable.KeyInfo("rsa", true, null, null));
        assertThat(UserSshKeysTable.parseKey("ssh-rsa AAAA public")).isNull();
        assertThat(UserSshKeysTable.securityBits("rsa", 3072L)).isEqualTo(128);
    }

    @Test
    void openSshPrivateKeyHeader() {
        ByteBuffer pub = ByteBuffer.allocate(100);
        putString(pub, "ssh-ed25519");
        putString(pub, "0123456789abcdef0123456789abcdef");
        byte[] pubBytes = java.util.Arrays.copyOf(pub.array(), pub.position());
        ByteBuffer blob = ByteBuffer.allocate(300);
        blob.put("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
        putString(blob, "aes256-ctr");
        putString(blob, "bcrypt");
        putString(blob, "");
        blob.putInt(1);
        blob.putInt(pubBytes.length).put(pubBytes);
        String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(java.util.Arrays.copyOf(blob.array(), blob.position()))
                + "\n-----END OPENSSH PRIVATE KEY-----\n";
        assertThat(UserSshKeysTable.parseKey(pem)).isEqualTo(new UserSshKeysTable.KeyInfo("ed25519", true, null, 256L));
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length).put(bytes);
    }

    @Test
    void configurationFiles() {
        assertThat(CrontabTable.parseCronLine("*/5 * * * 1-5 root /usr/bin/backup --quick"))
                .containsExactly("", "*/5", "*", "*", "*", "1-5", "root /usr/bin/backup --quick");
        assertThat(CrontabTable.parseCronLine("@reboot /opt/start.sh")).containsExactly("@reboot", "", "", "", "", "", "/opt/start.sh");
        assertThat(CrontabTable.parseCronLine("SHELL=/bin/sh")).isNull();
        assertThat(CrontabTable.parseCronLine("  # nothing")).isNull();
        assertThat(MountsTable.parseMounts("/dev/sda1 /mnt/my\\040disk ext4 rw,relatime 0 0\n").getFirst())
                .containsExactly("/dev/sda1", "/mnt/my disk", "ext4", "rw,relatime");
        Map<String, String> release = OsVersionTable.parseOsRelease("NAME=\"Debian GNU/Linux\"\nVERSION_ID='12'\nID=debian\n# x\n");
        assertThat(release).containsEntry("NAME", "Debian GNU/Linux").containsEntry("VERSION_ID", "12").containsEntry("ID", "debian");
        assertThat(SystemControlsTable.parseSysctlConf("net/ipv4/ip_forward = 1\n; c\n# d\n-kernel.x=2\n"))
                .containsEntry("net.ipv4.ip_forward", "1").containsEntry("kernel.x", "2").hasSize(2);
        var cpu = SystemInfoTable.parseCpuInfo("processor\t: 0\nmodel name\t: Test CPU\nphysical id\t: 0\ncore id\t: 0\n\n"
                + "processor\t: 1\nmodel name\t: Test CPU\nphysical id\t: 0\ncore id\t: 0\n");
        assertThat(cpu.logicalCores()).isEqualTo(2);
        assertThat(cpu.physicalCores()).isEqualTo(1);
        assertThat(cpu.sockets()).isEqualTo(1);
        assertThat(SystemInfoTable.parseCpuInfo("").logicalCores()).isNull();
        assertThat(BlockDevicesTable.parseUdev("S:disk/by-uuid/x\nE:ID_FS_UUID=1234-ABCD\nE:ID_FS_TYPE=vfat\n"))
                .containsEntry("ID_FS_UUID", "1234-ABCD").containsEntry("ID_FS_TYPE", "vfat");
    }

    @Test
    void packagesAndSources() {
        var paragraphs = DebPackagesTable.parseParagraphs("""
                Package: libc6
                Status: install ok installed
                Version: 2.36-9+deb12u4
                Description: GNU C Library
                 Contains the standard libraries.

                Package: zlib1g
                Version: 1:1.2.13.dfsg-1
                """);
        assertThat(paragraphs).hasSize(2);
        assertThat(paragraphs.get(0)).containsEntry("Package", "libc6").containsEntry("Description",
                "GNU C Library\nContains the standard libraries.");
        assertThat(paragraphs.get(1)).containsEntry("Version", "1:1.2.13.dfsg-1");
        assertThat(AptSourcesTable.parseOneLineSources("deb [arch=amd64,arm64 signed-by=/k.gpg] http://x.org/debian bookworm main contrib\n"
                + "# deb http://y bookworm main\ndeb-src http://x.org/debian bookworm main\n"))
                .singleElement().satisfies(s -> assertThat(s).containsExactly("http://x.org/debian", "bookworm", "main contrib", "amd64 arm64"));
        assertThat(AptSourcesTable.parseDeb822Sources("Types: deb deb-src\nURIs: http://a/debian\nSuites: bookworm bookworm-updates\n"
                + "Components: main\n\nTypes: deb\nURIs: http://b\nSuites: x\nEnabled: no\n"))
                .extracting(s -> s[1]).containsExactly("bookworm", "bookworm-updates");
    }

    @Test
    void routesAndNetworking() {
        List<Object[]> routes = RoutesTable.parseRoute("""
                Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
                eth0	00000000	0100A8C0	0003	0	0	100	00000000	0	0	0
                eth0	0000A8C0	00000000	0001	0	0	100	00FFFFFF	0	0	0
                """);
        assertThat(routes.get(0)).containsExactly("0.0.0.0", 0L, "192.168.0.1", "", 3L, "eth0", 0L, 100L, "gateway", 0L);
        assertThat(routes.get(1)[0]).isEqualTo("192.168.0.0");
        assertThat(routes.get(1)[1]).isEqualTo(24L);
        List<Object[]> v6 = RoutesTable.parseIpv6Route(
                "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n");
        assertThat(v6.getFirst()[0]).isEqualTo("fe80::");
        assertThat(v6.getFirst()[1]).isEqualTo(64L);
        assertThat(InterfaceAddressesTable.mask(20, true)).isEqualTo("255.255.240.0");
        assertThat(InterfaceAddressesTable.mask(64, false)).isEqualTo("ffff:ffff:ffff:ffff::");
        assertThat(EtcServicesTable.parseLine("ssh\t\t22/tcp\t\t\t# SSH Remote Login Protocol"))
                .containsExactly("ssh\t\t22/tcp", "SSH Remote Login Protocol");
        assertThat(EtcServicesTable.parseLine("# only a comment")).isNull();
    }
}
