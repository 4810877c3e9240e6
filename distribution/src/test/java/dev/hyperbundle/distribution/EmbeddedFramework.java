package dev.hyperbundle.distribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** The assembled distribution's bundles in a real Felix framework inside the test JVM. */
final class EmbeddedFramework implements AutoCloseable {
    static final Path DIST = Path.of(System.getProperty("hyperbundle.dist", "target/hyperbundle"));

    final Framework framework;
    final List<Bundle> bundles = new ArrayList<>();

    EmbeddedFramework(Path storage) throws Exception {
        framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                "gosh.args", "--nointeractive"));
        framework.start();
        List<Path> jars;
        try (Stream<Path> s = Files.list(DIST.resolve("bundle"))) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) {
            bundles.add(context().installBundle(jar.toUri().toString()));
        }
        bundles.sort(Comparator.comparing((Bundle b) -> String.valueOf(b.getSymbolicName()).startsWith("dev.hyperbundle")));
        for (Bundle b : bundles) {
            if (!"org.apache.felix.gogo.shell".equals(b.getSymbolicName())) {
                b.start();
            }
        }
    }

    /** Waits up to 10 s for a service matching the filter (Declarative Services activates asynchronously). */
    void awaitService(String filter) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        while (context().getAllServiceReferences(null, filter) == null) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("no service matches " + filter + " after 10 s");
            }
            Thread.sleep(10);
        }
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    /**
     * Packs the compiled test classes of one package into a bundle jar with the given manifest headers
     * (the test's "builds" of a bundle differ only in their headers).
     */
    static byte[] testBundle(String packageName, Map<String, String> headers) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        headers.forEach(a::putValue);
        Path classes = Path.of("target/test-classes");
        String dir = packageName.replace('.', '/');
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, m); Stream<Path> files = Files.list(classes.resolve(dir))) {
            for (Path f : files.sorted().toList()) {
                jar.putNextEntry(new JarEntry(dir + "/" + f.getFileName()));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(20_000);
    }
}
