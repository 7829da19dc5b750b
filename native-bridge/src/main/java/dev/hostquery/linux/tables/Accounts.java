package dev.hostquery.linux.tables;

import dev.hostquery.api.QueryContext;
import dev.hostquery.linux.HostRoot;
import dev.hostquery.linux.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Users and groups from /etc/passwd and /etc/group (passwd(5), group(5)), shared by several tables. */
final class Accounts {
    private Accounts() {
    }

    /** One /etc/passwd entry. */
    record User(String name, long uid, long gid, String gecos, String home, String shell) {
    }

    /** One /etc/group entry. */
    record Group(String name, long gid, List<String> members) {
    }

    /** Parses /etc/passwd ("name:password:uid:gid:gecos:home:shell"); skips malformed lines and NIS "+" entries. */
    static List<User> parsePasswd(String text) {
        List<User> users = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length < 7 || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                continue;
            }
            Long uid = Values.parseLong(f[2]);
            Long gid = Values.parseLong(f[3]);
            if (uid != null && gid != null) {
                users.add(new User(f[0], uid, gid, f[4], f[5], f[6]));
            }
        }
        return users;
    }

    /** Parses /etc/group ("name:password:gid:member,member"). */
    static List<Group> parseGroup(String text) {
        List<Group> groups = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length < 4 || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                continue;
            }
            Long gid = Values.parseLong(f[2]);
            if (gid == null) {
                continue;
            }
            List<String> members = new ArrayList<>();
            for (String m : f[3].split(",")) {
                if (!m.isBlank()) {
                    members.add(m.strip());
                }
            }
            groups.add(new Group(f[0], gid, List.copyOf(members)));
        }
        return groups;
    }

    static List<User> users(HostRoot root) {
        return parsePasswd(root.read("/etc/passwd").orElse(""));
    }

    static List<Group> groups(HostRoot root) {
        return parseGroup(root.read("/etc/group").orElse(""));
    }

    /** The users whose uid the query constrains ({@code uid = …} or {@code IN}), else every user. */
    static List<User> users(HostRoot root, QueryContext context) {
        Optional<Set<Long>> uids = context.integerEquals("uid");
        List<User> users = users(root);
        return uids.isEmpty() ? users : users.stream().filter(u -> uids.get().contains(u.uid())).toList();
    }
}
