package dev.hostquery.query.security;

import dev.hostquery.api.QueryContext;
import dev.hostquery.api.Sensitivity;
import dev.hostquery.api.TableSpec;
import dev.hostquery.query.config.HostqueryConfig;
import dev.hostquery.query.sqlite.Access;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The roles and what each may read: the built-in {@code reader} (every table that is not sensitive; {@code file}
 * and {@code hash} under the reader paths), {@code sensitive} (sensitive tables and every path), {@code events}
 * (subscriptions) and {@code admin} (everything), and the roles configuration defines
 * ({@code hostquery.security.roles.<name>.tables}, {@code deny-tables}, {@code events}).
 *
 * <p>A principal reads a table when one of its roles allows it and none denies it. The {@link Access} for a set
 * of roles is built once and shared by every principal with that set.
 */
public final class Roles {
    public static final String READER = "reader";
    public static final String SENSITIVE = "sensitive";
    public static final String EVENTS = "events";
    public static final String ADMIN = "admin";
    static final Set<String> BUILT_IN = Set.of(READER, SENSITIVE, EVENTS, ADMIN);

    private record Defined(Set<String> tables, boolean allNonSensitive, Set<String> deny, boolean events) {
        /** Whether the role reads the table: it names it, or names every table that is not sensitive. */
        boolean allows(TableSpec table) {
            return !deny.contains(table.name())
                    && (tables.contains(table.name()) || (allNonSensitive && table.sensitivity() != Sensitivity.SENSITIVE));
        }
    }

    private final Map<String, Defined> defined;
    private final List<String> readerPaths;
    private final Map<Set<String>, Access> accessByRoles = new ConcurrentHashMap<>();

    /**
     * @throws IllegalArgumentException for a configured role that redefines a built-in one, or a reader path that
     *                                  is not absolute
     */
    public Roles(Map<String, HostqueryConfig.Role> configured, List<String> readerPaths) {
        Map<String, Defined> roles = new java.util.HashMap<>();
        configured.forEach((name, role) -> {
            if (BUILT_IN.contains(name)) {
                throw new IllegalArgumentException("hostquery.security.roles." + name + ": " + name
                        + " is a built-in role and cannot be redefined");
            }
            Set<String> tables = new java.util.HashSet<>();
            boolean all = false;
            for (String t : role.tables()) {
                if (t.strip().equals("*")) {
                    all = true;
                } else {
                    tables.add(t.strip().toLowerCase(Locale.ROOT));
                }
            }
            Set<String> deny = new java.util.HashSet<>();
            role.denyTables().orElse(List.of()).forEach(t -> deny.add(t.strip().toLowerCase(Locale.ROOT)));
            roles.put(name, new Defined(Set.copyOf(tables), all, Set.copyOf(deny), role.events()));
        });
        this.defined = Map.copyOf(roles);
        List<String> paths = new ArrayList<>();
        for (String p : readerPaths) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("hostquery.security.reader-paths: '" + p + "' is not an absolute path");
            }
            paths.add(Path.of(p).normalize().toString());
        }
        this.readerPaths = List.copyOf(paths);
    }

    /** Whether {@code role} is built in or configured. */
    public boolean known(String role) {
        return BUILT_IN.contains(role) || defined.containsKey(role);
    }

    /** A principal with these roles; unknown role names grant nothing (they are refused when configuration is read). */
    public Principal principal(String name, Principal.Method method, Set<String> roles) {
        Set<String> sorted = new TreeSet<>(roles);
        Access access = accessByRoles.computeIfAbsent(Set.copyOf(sorted), r -> new RoleAccess(sorted));
        boolean events = roles.contains(ADMIN) || roles.contains(EVENTS)
                || roles.stream().map(defined::get).anyMatch(d -> d != null && d.events());
        return new Principal(name, method, sorted, access, events);
    }

    /** The roles that would let a principal read {@code table}, for messages: built-in ones first. */
    List<String> rolesAllowing(TableSpec table) {
        List<String> result = new ArrayList<>();
        if (table.sensitivity() != Sensitivity.SENSITIVE) {
            result.add(READER);
        }
        result.add(SENSITIVE);
        result.add(ADMIN);
        defined.forEach((name, d) -> {
            if (d.allows(table)) {
                result.add(name);
            }
        });
        return result;
    }

    /** Reads allowed by a set of roles. */
    private final class RoleAccess implements Access {
        private final Set<String> roles;
        private final boolean all;
        private final boolean sensitive;
        private final boolean reader;
        private final String who;

        RoleAccess(Set<String> roles) {
            this.roles = Set.copyOf(roles);
            this.all = roles.contains(ADMIN);
            this.sensitive = all || roles.contains(SENSITIVE);
            this.reader = roles.contains(READER);
            this.who = roles.isEmpty() ? "the principal has no roles" : "the principal's roles are " + new TreeSet<>(roles);
        }

        @Override
        public String tableDenial(TableSpec table) {
            String name = table.name();
            for (String role : roles) {
                Defined d = defined.get(role);
                if (d != null && d.deny().contains(name)) {
                    return "table " + name + " is denied to role " + role + " (hostquery.security.roles." + role
                            + ".deny-tables)";
                }
            }
            if (all || sensitive) {
                return null;
            }
            boolean isSensitive = table.sensitivity() == Sensitivity.SENSITIVE;
            if (reader && !isSensitive) {
                return null;
            }
            for (String role : roles) {
                Defined d = defined.get(role);
                if (d != null && d.allows(table)) {
                    return null;
                }
            }
            String why = isSensitive ? "table " + name + " is sensitive (" + table.sensitivityReason() + ")"
                    : "table " + name;
            return why + ": reading it needs role " + String.join(" or ", rolesAllowing(table)) + "; " + who;
        }

        @Override
        public QueryContext.PathAccess paths() {
            if (sensitive) {
                return QueryContext.PathAccess.ALL;
            }
            return path -> {
                String normalized = Path.of(path).normalize().toString();
                for (String allowed : readerPaths) {
                    if (normalized.equals(allowed) || normalized.startsWith(allowed.equals("/") ? "/" : allowed + "/")) {
                        return null;
                    }
                }
                return "reading " + normalized + " needs role " + SENSITIVE + " or " + ADMIN + ": it is outside the reader "
                        + "paths (hostquery.security.reader-paths: " + String.join(", ", readerPaths) + "); " + who;
            };
        }

        @Override
        public String toString() {
            return "roles " + roles;
        }
    }
}
