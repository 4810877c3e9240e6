package dev.hyperbundle.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * Starts Apache Felix with the bundles in {@code bundle/} and hands the command line to the kernel's main
 * service (a {@code Callable<Integer>} with {@code hyperbundle.main=true}), like bnd's launcher does.
 * {@code shell} starts the Gogo shell instead. Holds no product logic.
 */
public final class Launcher {
    static final String ARGS = "hyperbundle.args";
    static final String SEPARATOR = "\u001f";
    static final String GOGO_SHELL = "org.apache.felix.gogo.shell";
    static final String MAIN_FILTER = "(&(objectClass=java.util.concurrent.Callable)(hyperbundle.main=true))";
    static final String VM_COMMANDS_FILTER = "(osgi.command.scope=vm)";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Path home = Path.of(System.getProperty("hyperbundle.home", ".")).toAbsolutePath().normalize();
        boolean shell = args.length > 0 && args[0].equals("shell");
        Path storage = Files.createTempDirectory("hyperbundle-felix-");
        Map<String, String> props = new HashMap<>(configProperties(home.resolve("conf/config.properties")));
        props.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(ARGS, String.join(SEPARATOR, args));
        if (shell) {
            props.remove("gosh.args"); // conf/ keeps the shell quiet for 'run'; 'shell' wants the prompt
        }
        int code;
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (lib/)"))
                .newFramework(props);
        try {
            framework.start();
            List<Bundle> failed = installAndStart(framework.getBundleContext(), home.resolve("bundle"), shell);
            if (Boolean.getBoolean("hyperbundle.timing")) {
                System.err.printf("hyperbundle: framework started in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
            }
            if (shell) {
                framework.waitForStop(0);
                code = 0;
            } else {
                code = callMain(framework.getBundleContext(), failed);
            }
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
            deleteTree(storage);
        }
        System.exit(code);
    }

    private static Map<String, String> configProperties(Path file) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        }
        return out;
    }

    /** Installs every jar in dir, then starts them (the Gogo shell only in shell mode); returns those that failed. */
    private static List<Bundle> installAndStart(BundleContext context, Path dir, boolean shell) throws IOException {
        List<Bundle> bundles = new ArrayList<>();
        List<Bundle> failed = new ArrayList<>();
        List<Path> jars;
        try (Stream<Path> s = Files.list(dir)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted(Comparator.naturalOrder()).toList();
        }
        for (Path jar : jars) {
            try {
                bundles.add(context.installBundle(jar.toUri().toString()));
            } catch (BundleException e) {
                System.err.println("hyperbundle: cannot install " + jar.getFileName() + ": " + e.getMessage());
            }
        }
        // Infrastructure (SCR, Gogo, libraries) first, so the extender sees our bundles start.
        bundles.sort(Comparator.comparing((Bundle b) -> String.valueOf(b.getSymbolicName()).startsWith("dev.hyperbundle")));
        Bundle gogoShell = null;
        for (Bundle b : bundles) {
            if (GOGO_SHELL.equals(b.getSymbolicName())) {
                gogoShell = b;
                continue;
            }
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            start(b, failed);
        }
        if (shell && gogoShell != null) {
            // The prompt comes last, when the vm: commands are there (Declarative Services activates them
            // asynchronously), so what a person types at once is understood.
            awaitService(context, VM_COMMANDS_FILTER, 10_000);
            start(gogoShell, failed);
        }
        return failed;
    }

    private static void start(Bundle b, List<Bundle> failed) {
        try {
            b.start();
        } catch (BundleException e) {
            failed.add(b);
            System.err.println("hyperbundle: bundle " + b.getSymbolicName() + " cannot start: " + e.getMessage());
        }
    }

    private static void awaitService(BundleContext context, String filter, long millis) {
        long end = System.currentTimeMillis() + millis;
        try {
            while (context.getServiceReferences((String) null, filter) == null && System.currentTimeMillis() < end) {
                Thread.sleep(10);
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private static int callMain(BundleContext context, List<Bundle> failed) throws Exception {
        long end = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < end) {
            ServiceReference<?>[] refs = references(context);
            if (refs != null && refs.length > 0) {
                Callable<Integer> main = (Callable<Integer>) context.getService(refs[0]);
                return main.call();
            }
            if (!failed.isEmpty()) {
                break;
            }
            Thread.sleep(10);
        }
        System.err.println("hyperbundle: the kernel did not start" + (failed.isEmpty() ? " within 30 s" : "")
                + "; check the bundles in bundle/");
        return 1;
    }

    private static ServiceReference<?>[] references(BundleContext context) {
        try {
            return context.getServiceReferences((String) null, MAIN_FILTER);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
