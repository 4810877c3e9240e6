package dev.hyperbundle.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** The assembled distribution in a real Felix framework: resolution, services, device hot-swap. */
class FrameworkIT {
    @TempDir
    Path storage;

    @Test
    void everyBundleIsActiveAndEveryServiceRegistered() throws Exception {
        try (EmbeddedFramework f = new EmbeddedFramework(storage)) {
            List<String> notActive = new ArrayList<>();
            for (Bundle b : f.bundles) {
                boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
                boolean shell = "org.apache.felix.gogo.shell".equals(b.getSymbolicName());
                if (!fragment && !shell && b.getState() != Bundle.ACTIVE) {
                    notActive.add(b.getLocation() + " state " + b.getState());
                }
            }
            assertEquals(List.of(), notActive);
            List<String> ours = f.bundles.stream().map(b -> String.valueOf(b.getSymbolicName())).filter(n -> n.startsWith("dev.hyperbundle"))
                    .sorted().toList();
            assertEquals(List.of("dev.hyperbundle.cpu-bt", "dev.hyperbundle.cpu-hvassist", "dev.hyperbundle.cpu-interp",
                    "dev.hyperbundle.dev-legacy", "dev.hyperbundle.dev-pv", "dev.hyperbundle.kernel"), ours);
            f.awaitService("(objectClass=dev.hyperbundle.machine.Hypervisor)");
            f.awaitService("(objectClass=dev.hyperbundle.backend.CpuBackend)");
            f.awaitService("(&(objectClass=dev.hyperbundle.device.DeviceFactory)(component.name=*Pit*))");
            assertEquals(1, refs(f, "java.util.concurrent.Callable", "(hyperbundle.main=true)").size());
            assertEquals(1, refs(f, null, "(osgi.command.scope=vm)").size());
            TreeSet<String> types = new TreeSet<>();
            for (ServiceReference<?> r : refs(f, "dev.hyperbundle.device.DeviceFactory", null)) {
                Object factory = f.context().getService(r);
                types.add((String) factory.getClass().getMethod("type").invoke(factory));
            }
            assertTrue(types.containsAll(List.of("pic", "pit", "rtc", "uart16550", "i8042", "pci-host", "post-port", "debugcon", "fpu-error")),
                    "device types: " + types);
        }
    }

    private static List<ServiceReference<?>> refs(EmbeddedFramework f, String clazz, String filter) throws Exception {
        ServiceReference<?>[] r = f.context().getAllServiceReferences(clazz, filter);
        return r == null ? List.of() : List.of(r);
    }

    @Test
    void deviceBundleUpdatedTwentyTimesUnderARunningGuest() throws Exception {
        Map<String, String> imports = Map.of(Constants.IMPORT_PACKAGE,
                "dev.hyperbundle.backend,dev.hyperbundle.bus,dev.hyperbundle.cpu,dev.hyperbundle.device,"
                        + "dev.hyperbundle.machine,dev.hyperbundle.testkit,org.osgi.framework");
        try (EmbeddedFramework f = new EmbeddedFramework(storage)) {
            byte[][] builds = new byte[3][];
            for (int build = 1; build <= 2; build++) {
                builds[build] = EmbeddedFramework.testBundle("dev.hyperbundle.it.counter", merge(imports, Map.of(
                        Constants.BUNDLE_SYMBOLICNAME, "test.counter", Constants.BUNDLE_VERSION, build + ".0.0",
                        "Counter-Build", Integer.toString(build),
                        Constants.BUNDLE_ACTIVATOR, "dev.hyperbundle.it.counter.CounterActivator")));
            }
            Bundle counter = f.context().installBundle("test:counter", new ByteArrayInputStream(builds[1]));
            counter.start();
            Bundle backend = f.context().installBundle("test:counting", new ByteArrayInputStream(
                    EmbeddedFramework.testBundle("dev.hyperbundle.it.counting", merge(imports, Map.of(
                            Constants.BUNDLE_SYMBOLICNAME, "test.counting",
                            Constants.BUNDLE_ACTIVATOR, "dev.hyperbundle.it.counting.CountingActivator")))));
            backend.start();
            Bundle probe = f.context().installBundle("test:probe", new ByteArrayInputStream(
                    EmbeddedFramework.testBundle("dev.hyperbundle.it.probe", merge(imports, Map.of(
                            Constants.BUNDLE_SYMBOLICNAME, "test.probe",
                            Constants.BUNDLE_ACTIVATOR, "dev.hyperbundle.it.probe.ProbeActivator")))));
            probe.start();
            f.awaitService("(hyperbundle.probe=start)");
            assertEquals("started", probe(f, "start"));
            assertEquals("steps=positive mismatches=0 build=1 state=RUNNING", probe(f, "check"));
            for (int i = 1; i <= 20; i++) {
                Thread.sleep(20);
                int build = i % 2 == 1 ? 2 : 1;
                counter.update(new ByteArrayInputStream(builds[build]));
                assertEquals("steps=positive mismatches=0 build=" + build + " state=RUNNING",
                        probeUntil(f, "build=" + build), "after update " + i);
            }
            counter.stop();
            assertEquals("steps=positive mismatches=0 build=1 state=PAUSED", probe(f, "check"),
                    "without a counter factory the machine stays paused");
            counter.start();
            assertEquals("steps=positive mismatches=0 build=1 state=RUNNING", probe(f, "check"));
        }
    }

    @SuppressWarnings("unchecked")
    private static String probe(EmbeddedFramework f, String command) throws Exception {
        ServiceReference<?>[] r = f.context().getAllServiceReferences(Callable.class.getName(), "(hyperbundle.probe=" + command + ")");
        return ((Callable<String>) f.context().getService(r[0])).call();
    }

    /**
     * Declarative Services delivers the old factory's unbind and the new one's bind on its own schedule after
     * Bundle.update() returns: poll until the new build serves the guest (the mismatch count proves nothing
     * was lost meanwhile).
     */
    private static String probeUntil(EmbeddedFramework f, String expected) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        String r = probe(f, "check");
        while (!r.contains(expected) && System.currentTimeMillis() < end) {
            Thread.sleep(5);
            r = probe(f, "check");
        }
        return r;
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
        Map<String, String> m = new java.util.HashMap<>(a);
        m.putAll(b);
        return m;
    }
}
