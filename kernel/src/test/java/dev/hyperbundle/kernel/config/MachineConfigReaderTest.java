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
        assertEquals(List.of("pic", "pit", "rtc", "com1", "i8042", "pci-host", "post", "virtio-blk0", "virtio-rng0"),
                d.stream().map(DeviceConfig::id).toList());
        assertEquals(Map.of("file", "disk.img", "transport", "mmio"), d.get(7).params());
        assertEquals("vm.yaml, devices(0)", d.get(7).origin());
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
        assertEquals("--device #2: device id 'r' is used twice; give it id=...", e.getMessage());
        VmOptions missing = new VmOptions();
        missing.kernel = dir.resolve("missing").toString();
        e = assertThrows(MachineConfigException.class, () -> new MachineConfigReader().read(missing));
        assertEquals("command line: kernel=" + dir.resolve("missing") + ": file " + dir.resolve("missing") + " not found",
                e.getMessage());
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
