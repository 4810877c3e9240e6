package dev.hyperbundle.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.machine.MachineConfig;
import dev.hyperbundle.machine.MachineConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineConfigReaderTest {
    @TempDir
    Path dir;
    Path kernel;

    @BeforeEach
    void files() throws IOException {
        kernel = Files.write(dir.resolve("bzImage"), new byte[] {1});
        Files.write(dir.resolve("initrd.gz"), new byte[] {2});
    }

    private MachineConfig readFile(String name, String text) throws Exception {
        Path f = Files.writeString(dir.resolve(name), text);
        VmOptions o = new VmOptions();
        o.configFile = f.toString();
        return new MachineConfigReader().read(o);
    }

    private String error(String name, String text) {
        return assertThrows(MachineConfigException.class, () -> readFile(name, text)).getMessage();
    }

    @Test
    void yamlWithDeviceMapsAndStrings() throws Exception {
        MachineConfig c = readFile("vm.yaml", """
                name: test
                cpu: interp
                memory: 64M
                kernel: bzImage
                initrd: initrd.gz
                append: console=ttyS0 quiet
                devices:
                  - type: virtio-blk
                    file: disk.img
                    transport: mmio
                  - virtio-rng,transport=pci
                """);
        assertEquals("test", c.name());
        assertEquals(64L << 20, c.memoryBytes());
        assertEquals(kernel, c.kernel());
        assertEquals(dir.resolve("initrd.gz"), c.initrd());
        assertEquals("console=ttyS0 quiet", c.commandLine());
        List<DeviceConfig> d = c.devices();
        assertEquals(List.of("pic", "pit", "rtc", "com1", "i8042", "pci-host", "post", "fpu-error", "virtio-blk0", "virtio-rng0"),
                d.stream().map(DeviceConfig::id).toList());
        assertEquals(Map.of("file", dir.resolve("disk.img").toString(), "transport", "mmio"), d.get(8).params());
        assertEquals("vm.yaml, devices(0)", d.get(8).origin());
        assertEquals(Map.of("memory", Long.toString(64L << 20)), d.get(2).params());
    }

    @Test
    void propertiesWithRepeatedDeviceKeysAndCommandLineOverrides() throws Exception {
        Path f = Files.writeString(dir.resolve("vm.properties"), """
                kernel = bzImage
                memory = 32M
                defaults = false
                devices = uart16550,index=0,chardev=null
                devices = virtio-console,transport=mmio
                """);
        VmOptions o = new VmOptions();
        o.configFile = f.toString();
        o.memory = "128M";
        o.cpu = "bt";
        o.devices.add("virtio-rng");
        MachineConfig c = new MachineConfigReader().read(o);
        assertEquals(128L << 20, c.memoryBytes());
        assertEquals("bt", c.cpu());
        assertNull(c.initrd());
        assertEquals(List.of("uart16550", "virtio-console", "virtio-rng"), c.devices().stream().map(DeviceConfig::type).toList());
        assertEquals("command line --device #1", c.devices().get(2).origin());
    }

    @Test
    void eachMistakeGetsOneLineNamingFileKeyAndExpectation() {
        assertEquals("vm.yaml: memory=12X is not a size; expected a number with an optional K, M or G suffix (e.g. 256M)",
                error("vm.yaml", "kernel: bzImage\nmemory: 12X\n"));
        assertEquals("vm.yaml: memory=8M is out of range; expected a whole number of MiB from 16M to 3G",
                error("vm.yaml", "kernel: bzImage\nmemory: 8M\n"));
        assertEquals("vm.yaml: unknown key 'memroy'; expected one of append, cpu, defaults, devices, initrd, kernel, memory, "
                + "name, reboot, serial", error("vm.yaml", "kernel: bzImage\nmemroy: 64M\n"));
        assertEquals("vm.yaml: kernel=nope: file " + dir.resolve("nope") + " not found", error("vm.yaml", "kernel: nope\n"));
        assertEquals("vm.yaml: no kernel given; expected kernel=PATH to a Linux bzImage (or --kernel FILE)",
                error("vm.yaml", "memory: 64M\n"));
        assertEquals("vm.yaml: devices(0) has no 'type' key; expected e.g. type: virtio-blk",
                error("vm.yaml", "kernel: bzImage\ndevices:\n  - file: x\n"));
        assertEquals("vm.properties: devices #1: 'file=x' does not start with a device type; expected TYPE[,key=value...]",
                error("vm.properties", "kernel=bzImage\ndevices=file=x\n"));
        assertEquals("vm.properties: defaults=maybe is not a boolean; expected true or false",
                error("vm.properties", "kernel=bzImage\ndefaults=maybe\n"));
        assertEquals("vm.toml: unknown configuration format; expected a .properties or .yaml file", error("vm.toml", "x"));
        String parse = error("bad.yaml", "kernel: [unclosed\n");
        assertEquals(true, parse.startsWith("bad.yaml: cannot be parsed: "), parse);
    }

    @Test
    void commandLineMistakes() {
        VmOptions o = new VmOptions();
        o.kernel = kernel.toString();
        o.devices.add("virtio-blk,file");
        var e = assertThrows(MachineConfigException.class, () -> new MachineConfigReader().read(o));
        assertEquals("command line: --device 'file' in 'virtio-blk,file' is not key=value", e.getMessage());
        VmOptions twice = new VmOptions();
        twice.kernel = kernel.toString();
        twice.devices.add("virtio-rng,id=r");
        twice.devices.add("virtio-console,id=r");
        e = assertThrows(MachineConfigException.class, () -> new MachineConfigReader().read(twice));
        assertEquals("command line --device #2: device id 'r' is used twice; give it id=...", e.getMessage());
        VmOptions missing = new VmOptions();
        missing.kernel = dir.resolve("missing").toString();
        e = assertThrows(MachineConfigException.class, () -> new MachineConfigReader().read(missing));
        assertEquals("command line: kernel=" + dir.resolve("missing") + ": file " + dir.resolve("missing") + " not found",
                e.getMessage());
    }

    /** Every key of the reference table: a bad value names the file (or command line), the key, the value, the expectation. */
    @Test
    void everyKeyNamesItsOriginOnAMistake() throws Exception {
        assertEquals("vm.yaml: name=my vm is not a machine name; expected letters, digits, '.', '_' or '-' (at most 64)",
                error("vm.yaml", "kernel: bzImage\nname: my vm\n"));
        assertEquals("vm.yaml: cpu= is empty; expected a CPU backend id (e.g. interp)", error("vm.yaml", "kernel: bzImage\ncpu: ''\n"));
        assertEquals("vm.yaml: initrd=gone.gz: file " + dir.resolve("gone.gz") + " not found",
                error("vm.yaml", "kernel: bzImage\ninitrd: gone.gz\n"));
        assertEquals("vm.yaml: append=console=ttyS0 \u00e9t\u00e9 has characters outside ASCII; expected an ASCII kernel command line",
                error("vm.yaml", "kernel: bzImage\nappend: console=ttyS0 \u00e9t\u00e9\n"));
        assertEquals("vm.yaml: serial=com1 is not a character device; expected stdio, null, file:PATH or tcp:PORT",
                error("vm.yaml", "kernel: bzImage\nserial: com1\n"));
        assertEquals("vm.properties: serial=tcp:70000 has no valid port; expected tcp:PORT with PORT 0-65535",
                error("vm.properties", "kernel=bzImage\nserial=tcp:70000\n"));
        assertEquals("vm.yaml: reboot=sometimes is not a boolean; expected true or false",
                error("vm.yaml", "kernel: bzImage\nreboot: sometimes\n"));
        assertEquals("vm.yaml: defaults=2 is not a boolean; expected true or false", error("vm.yaml", "kernel: bzImage\ndefaults: 2\n"));
        // A key below a scalar key is a mistake, not something to ignore.
        assertEquals("vm.yaml: unknown key 'memory.size'; expected one of append, cpu, defaults, devices, initrd, kernel, memory, "
                + "name, reboot, serial", error("vm.yaml", "kernel: bzImage\nmemory:\n  size: 64M\n"));
        assertEquals("vm.properties: unknown key 'kernel.path'; expected one of append, cpu, defaults, devices, initrd, kernel, "
                + "memory, name, reboot, serial", error("vm.properties", "kernel=bzImage\nkernel.path=x\n"));
        assertEquals("vm.yaml, devices(1): device id 'disk' is used twice; give it id=...", error("vm.yaml",
                "kernel: bzImage\ndevices:\n  - virtio-blk,file=a,id=disk\n  - virtio-blk,file=b,id=disk\n"));
        assertEquals("vm.yaml, devices(0): device id 'com1' is used twice; give it id=...",
                error("vm.yaml", "kernel: bzImage\ndevices:\n  - uart16550,index=1,id=com1\n"));
    }

    @Test
    void aCommandLineOptionOverridingTheFileIsNamedAsTheCommandLine() throws Exception {
        Path f = Files.writeString(dir.resolve("vm.yaml"), "kernel: bzImage\nmemory: 64M\ncpu: interp\n");
        VmOptions o = new VmOptions();
        o.configFile = f.toString();
        o.cpu = "quantum";
        MachineConfig c = new MachineConfigReader().read(o);
        assertEquals("command line", c.origin("cpu"));
        assertEquals("vm.yaml", c.origin("memory"));
        assertEquals("vm.yaml", c.origin());
        o.memory = "lots";
        var e = assertThrows(MachineConfigException.class, () -> new MachineConfigReader().read(o));
        assertEquals("command line: memory=lots is not a size; expected a number with an optional K, M or G suffix (e.g. 256M)",
                e.getMessage());
        o.memory = null;
        o.serial = "tty";
        e = assertThrows(MachineConfigException.class, () -> new MachineConfigReader().read(o));
        assertEquals("command line: serial=tty is not a character device; expected stdio, null, file:PATH or tcp:PORT", e.getMessage());
        o.serial = null;
        o.name = "a/b";
        e = assertThrows(MachineConfigException.class, () -> new MachineConfigReader().read(o));
        assertEquals("command line: name=a/b is not a machine name; expected letters, digits, '.', '_' or '-' (at most 64)",
                e.getMessage());
    }

    /** As the README says: relative paths in a file are relative to the file, not to where hyperbundle runs. */
    @Test
    void pathsInAFileAreRelativeToTheFile() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("vms"));
        Files.write(sub.resolve("bzImage"), new byte[] {1});
        Path f = Files.writeString(sub.resolve("vm.yaml"), """
                kernel: bzImage
                serial: file:com1.log
                devices:
                  - type: virtio-blk
                    file: disks/a.img
                  - virtio-console,chardev=file:hvc0.log
                  - virtio-blk,file=/abs/b.img
                """);
        VmOptions o = new VmOptions();
        o.configFile = f.toString();
        o.devices.add("virtio-console,chardev=file:here.log");
        MachineConfig c = new MachineConfigReader().read(o);
        DeviceConfig com1 = c.devices().get(3);
        assertEquals("com1", com1.id());
        assertEquals(Map.of("index", "0", "chardev", "file:" + sub.resolve("com1.log")), com1.params());
        assertEquals("vm.yaml, serial", com1.origin());
        assertEquals(Map.of("file", sub.resolve("disks/a.img").toString()), c.devices().get(8).params());
        assertEquals(Map.of("chardev", "file:" + sub.resolve("hvc0.log")), c.devices().get(9).params());
        assertEquals(Map.of("file", "/abs/b.img"), c.devices().get(10).params());
        // The command line's own relative paths stay relative to the working directory.
        assertEquals(Map.of("chardev", "file:here.log"), c.devices().get(11).params());
        assertEquals("command line --device #1", c.devices().get(11).origin());
    }

    /** vm:start twice without --name in one shell: two machines, two names. */
    @Test
    void defaultNamesDifferBetweenReads() throws Exception {
        VmOptions o = new VmOptions();
        o.kernel = kernel.toString();
        String first = new MachineConfigReader().read(o).name();
        String second = new MachineConfigReader().read(o).name();
        assertEquals(true, first.matches("vm\\d+"), first);
        assertEquals(Integer.parseInt(first.substring(2)) + 1, Integer.parseInt(second.substring(2)));
        o.name = "given";
        assertEquals("given", new MachineConfigReader().read(o).name());
        o.name = null;
        assertEquals("vm" + (Integer.parseInt(second.substring(2)) + 1), new MachineConfigReader().read(o).name(),
                "a given name takes no number");
    }

    @Test
    void sizes() {
        assertEquals(256L << 20, SizeParser.parse("256M"));
        assertEquals(1L << 30, SizeParser.parse("1G"));
        assertEquals(512L << 10, SizeParser.parse("512KiB"));
        assertEquals(4096, SizeParser.parse("4096"));
        assertEquals(-1, SizeParser.parse("-1M"));
        assertEquals(-1, SizeParser.parse("1.5G"));
        assertEquals(-1, SizeParser.parse("99999999999999999999"));
    }
}
