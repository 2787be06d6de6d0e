package dev.shotover.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes files for tests (topology and config YAML, certificates) into fresh temporary directories.
 *
 * <p>Every call of {@link #writeTemp} uses its own new directory, so tests running in parallel can use the same file
 * name ({@code topology.yaml}) without overwriting each other, and the file name a test chose is kept (error
 * messages that name the file stay readable). The files are deleted when the JVM exits. Thread-safe.
 */
public final class TestFiles {

    private TestFiles() {
    }

    /**
     * Writes {@code content} as UTF-8 to a file called {@code name} in a new temporary directory and returns its
     * absolute path. {@code name} may contain sub-directories ({@code "conf/topology.yaml"}).
     */
    public static Path writeTemp(String name, String content) {
        Path dir = newTempDir("shotover-test-");
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir)) {
            throw new IllegalArgumentException("file name must stay inside its temporary directory: " + name);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        deleteOnExit(dir);
        return file.toAbsolutePath();
    }

    /** Creates a new, empty temporary directory whose name starts with {@code prefix}. Not deleted automatically. */
    public static Path newTempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary directory", e);
        }
    }

    /** Deletes {@code path} and, if it is a directory, everything below it. Missing paths are ignored. */
    public static void deleteRecursively(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + path, e);
        }
    }

    private static void deleteOnExit(Path dir) {
        // File.deleteOnExit cannot delete non-empty directories, and tests may add files next to the one written,
        // so one shutdown hook deletes whole trees.
        DeleteAtExit.DIRS.add(dir);
    }

    /** Holder so that the shutdown hook is registered once, on first use. */
    private static final class DeleteAtExit {
        static final Set<Path> DIRS = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                for (Path dir : DIRS) {
                    try {
                        deleteRecursively(dir);
                    } catch (RuntimeException ignored) {
                        // Best effort at JVM exit; a leftover temp dir is harmless.
                    }
                }
            }, "shotover-test-files-cleanup"));
        }
    }
}
