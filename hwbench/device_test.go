package hwbench

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseMeminfo(t *testing.T) {
	total, avail := parseMeminfo([]byte("MemTotal:       24684096 kB\nMemFree:        20000000 kB\nMemAvailable:   21000000 kB\n"))
	assert.Equal(t, int64(24684096)<<10, total)
	assert.Equal(t, int64(21000000)<<10, avail)
}

func TestParseVMStat(t *testing.T) {
	out := []byte(`Mach Virtual Memory Statistics: (page size of 16384 bytes)
Pages free:                               10000.
Pages active:                            500000.
Pages inactive:                           20000.
Pages speculative:                         3000.
Pages wired down:                        100000.
Pages purgeable:                           1000.
`)
	assert.Equal(t, int64(34000*16384), parseVMStat(out))
}

func TestParseNvidiaSMI(t *testing.T) {
	name, total, free := parseNvidiaSMI([]byte("NVIDIA GeForce RTX 4090, 24564, 23000\nNVIDIA GeForce RTX 4090, 24564, 1000\n"))
	assert.Equal(t, "2× NVIDIA GeForce RTX 4090", name)
	assert.Equal(t, int64(2*24564)<<20, total)
	assert.Equal(t, int64(24000)<<20, free)
	name, _, _ = parseNvidiaSMI([]byte("NVIDIA A100, 81920, 80000\nNVIDIA L4, 23034, 23000\n"))
	assert.Equal(t, "NVIDIA A100 + NVIDIA L4", name)
	name, total, _ = parseNvidiaSMI([]byte("No devices were found\n"))
	assert.Equal(t, "", name)
	assert.Zero(t, total)
}

func TestParseSystemProfiler(t *testing.T) {
	out := []byte(`{"SPDisplaysDataType":[{"sppci_model":"Apple M4 Max","sppci_cores":"40","_name":"Apple M4 Max"}]}`)
	assert.Equal(t, "Apple M4 Max (40 GPU cores)", parseSystemProfiler(out))
	assert.Equal(t, "", parseSystemProfiler([]byte("not json")))
}

func TestCPUInfoField(t *testing.T) {
	pi := []byte("processor\t: 0\nBogoMIPS\t: 108.00\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n")
	assert.Equal(t, "Raspberry Pi 5 Model B Rev 1.0", cpuinfoField(pi, "Model"))
	assert.Equal(t, "", cpuinfoField(pi, "model name"))
	x86 := []byte("processor\t: 0\nmodel name\t: AMD  EPYC 7B13 64-Core Processor\n")
	assert.Equal(t, "AMD EPYC 7B13 64-Core Processor", cpuinfoField(x86, "model name"))
}

func TestDerivedTier(t *testing.T) {
	d := Device{CPUModel: "Intel(R) Core(TM) i9-13900K CPU @ 3.00GHz", Cores: 32, OS: "linux", Arch: "amd64", Memory: 64 << 30}
	assert.Equal(t, "linux-amd64-intel-core-i9-13900k-32c-64g", d.DerivedTier())
	d = Device{Cores: 4, OS: "linux", Arch: "arm64"}
	assert.Equal(t, "linux-arm64-4c", d.DerivedTier())
}
