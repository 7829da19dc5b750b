package dev.hostquery.linux;

import dev.hostquery.api.Table;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Every Linux table hostquery offers, reading the host under one {@link HostRoot}.
 *
 * <p>Tables are discovered, not listed: every public class of {@value #PACKAGE} that implements {@link Table} and has
 * a public constructor taking a {@link HostRoot} is one, found among this module's classes (its jar, or its class
 * directory in a build). Adding a table is adding its class; nothing else names it.
 */
public final class LinuxTables {
    static final String PACKAGE = "dev.hostquery.linux.tables";

    private LinuxTables() {
    }

    /** One instance of every table, ordered by name. */
    public static List<Table> all(HostRoot root) {
        List<Table> tables = new ArrayList<>();
        for (Class<?> type : tableClasses()) {
            try {
                Constructor<?> constructor = type.getConstructor(HostRoot.class);
                tables.add((Table) constructor.newInstance(root));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the table " + type.getName() + " cannot be constructed with a HostRoot", e);
            }
        }
        tables.sort(Comparator.comparing(t -> t.spec().name()));
        return List.copyOf(tables);
    }

    /** The table classes of {@value #PACKAGE}, by class name. */
    static List<Class<?>> tableClasses() {
        List<String> names = new ArrayList<>();
        String folder = PACKAGE.replace('.', '/') + "/";
        try {
            Path location = Path.of(LinuxTables.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(folder))) {
                    files.map(p -> p.getFileName().toString()).forEach(names::add);
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream().map(JarEntry::getName).filter(n -> n.startsWith(folder) && n.indexOf('/', folder.length()) < 0)
                            .map(n -> n.substring(folder.length())).forEach(names::add);
                }
            }
        } catch (IOException | URISyntaxException | SecurityException e) {
            throw new IllegalStateException("cannot list the table classes of " + PACKAGE + ": " + e, e);
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String file : names.stream().sorted().toList()) {
            if (!file.endsWith(".class") || file.contains("$")) {
                continue;
            }
            Class<?> type;
            try {
                type = Class.forName(PACKAGE + "." + file.substring(0, file.length() - ".class".length()), false,
                        LinuxTables.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot load " + file + " of " + PACKAGE, e);
            }
            if (Table.class.isAssignableFrom(type) && Modifier.isPublic(type.getModifiers())
                    && !Modifier.isAbstract(type.getModifiers()) && hasRootConstructor(type)) {
                classes.add(type);
            }
        }
        return classes;
    }

    private static boolean hasRootConstructor(Class<?> type) {
        try {
            type.getConstructor(HostRoot.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
