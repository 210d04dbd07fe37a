package hwbench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Device is the identity of the machine the benchmarks run on, as far as the OS tells
// without cgo or root. Zero values mean "not found".
type Device struct {
	CPUModel string
	Cores    int
	OS, Arch string
	// Memory is the total RAM; Available what the OS says is free for a new program now.
	Memory, Available int64
	// GPU names the accelerator(s), "" for none found; GPUMemory is what a model can use
	// on it (NVIDIA: total VRAM; Apple silicon: the GPU's share of unified memory), and
	// GPUFree what is free there now (NVIDIA only).
	GPU                string
	GPUMemory, GPUFree int64
	// Unified is true when the GPU shares the system memory (Apple silicon).
	Unified bool
	// Notes say how the values were found, and what was not.
	Notes []string
}

// DetectDevice looks the device up: /proc on Linux, sysctl and vm_stat on macOS,
// nvidia-smi and system_profiler when they are installed.
func DetectDevice(ctx context.Context) Device {
	d := Device{Cores: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	switch runtime.GOOS {
	case "linux":
		d.CPUModel = linuxCPUModel()
		if data, err := os.ReadFile("/proc/meminfo"); err == nil {
			d.Memory, d.Available = parseMeminfo(data)
		}
	case "darwin":
		d.CPUModel = sysctl(ctx, "machdep.cpu.brand_string")
		if n, err := strconv.ParseInt(sysctl(ctx, "hw.memsize"), 10, 64); err == nil {
			d.Memory = n
		}
		if out, err := run(ctx, "vm_stat"); err == nil {
			d.Available = parseVMStat(out)
		}
	}
	if d.CPUModel == "" {
		d.Notes = append(d.Notes, "CPU model not found")
	}
	if d.Memory == 0 {
		d.Notes = append(d.Notes, "memory size not found")
	}

	if out, err := run(ctx, "nvidia-smi", "--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"); err == nil {
		d.GPU, d.GPUMemory, d.GPUFree = parseNvidiaSMI(out)
	}
	if d.GPU == "" && runtime.GOOS == "darwin" && runtime.GOARCH == "arm64" {
		d.GPU = "Apple GPU"
		if out, err := run(ctx, "system_profiler", "-json", "SPDisplaysDataType"); err == nil {
			if name := parseSystemProfiler(out); name != "" {
				d.GPU = name
			}
		}
		d.Unified = true
		// macOS lets the GPU wire about 3/4 of unified memory unless iogpu.wired_limit_mb
		// says otherwise.
		d.GPUMemory = d.Memory * 3 / 4
		if mb, err := strconv.ParseInt(sysctl(ctx, "iogpu.wired_limit_mb"), 10, 64); err == nil && mb > 0 {
			d.GPUMemory = mb << 20
		}
		d.Notes = append(d.Notes, "Apple silicon: the GPU shares system memory; its share is iogpu.wired_limit_mb or 3/4 of it")
	}
	if d.GPU == "" {
		d.Notes = append(d.Notes, "no GPU found (looked for nvidia-smi, and Apple silicon)")
	}
	return d
}

func run(ctx context.Context, name string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath(name); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, name, args...).Output()
}

func sysctl(ctx context.Context, name string) string {
	out, err := run(ctx, "sysctl", "-n", name)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// linuxCPUModel is the "model name" of /proc/cpuinfo (x86), or on ARM boards the
// device-tree model ("Raspberry Pi 5 Model B Rev 1.0") or cpuinfo's "Model".
func linuxCPUModel() string {
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := cpuinfoField(data, "model name"); m != "" {
			return m
		}
		if m := cpuinfoField(data, "Model"); m != "" {
			return m
		}
	}
	if data, err := os.ReadFile("/proc/device-tree/model"); err == nil {
		return strings.TrimSpace(strings.TrimRight(string(data), "\x00"))
	}
	return ""
}

func cpuinfoField(data []byte, field string) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == field {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	return ""
}

// parseMeminfo returns MemTotal and MemAvailable of /proc/meminfo in bytes.
func parseMeminfo(data []byte) (total, available int64) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		if len(f) > 2 && f[2] == "kB" {
			n <<= 10
		}
		switch f[0] {
		case "MemTotal:":
			total = n
		case "MemAvailable:":
			available = n
		}
	}
	return total, available
}

var vmStatPage = regexp.MustCompile(`page size of (\d+) bytes`)

// parseVMStat estimates the memory available to a new program from macOS vm_stat: free,
// inactive, speculative and purgeable pages.
func parseVMStat(out []byte) int64 {
	page := int64(4096)
	if m := vmStatPage.FindSubmatch(out); m != nil {
		if n, err := strconv.ParseInt(string(m[1]), 10, 64); err == nil {
			page = n
		}
	}
	var pages int64
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "Pages free", "Pages inactive", "Pages speculative", "Pages purgeable":
			if n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), "."), 10, 64); err == nil {
				pages += n
			}
		}
	}
	return pages * page
}

// parseNvidiaSMI reads "name, total MiB, free MiB" lines, one per GPU.
func parseNvidiaSMI(out []byte) (name string, total, free int64) {
	var names []string
	count := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, ",")
		if len(f) != 3 {
			continue
		}
		n := strings.TrimSpace(f[0])
		t, err1 := strconv.ParseInt(strings.TrimSpace(f[1]), 10, 64)
		fr, err2 := strconv.ParseInt(strings.TrimSpace(f[2]), 10, 64)
		if n == "" || err1 != nil || err2 != nil {
			continue
		}
		if count[n] == 0 {
			names = append(names, n)
		}
		count[n]++
		total += t << 20
		free += fr << 20
	}
	for i, n := range names {
		if count[n] > 1 {
			names[i] = fmt.Sprintf("%d× %s", count[n], n)
		}
	}
	return strings.Join(names, " + "), total, free
}

// parseSystemProfiler returns the chipset model of the first display adapter in
// `system_profiler -json SPDisplaysDataType` output.
func parseSystemProfiler(out []byte) string {
	var v struct {
		Displays []struct {
			Model string `json:"sppci_model"`
			Cores string `json:"sppci_cores"`
		} `json:"SPDisplaysDataType"`
	}
	if json.Unmarshal(out, &v) != nil || len(v.Displays) == 0 {
		return ""
	}
	d := v.Displays[0]
	if d.Cores != "" {
		return fmt.Sprintf("%s (%s GPU cores)", d.Model, d.Cores)
	}
	return d.Model
}

var nonLabel = regexp.MustCompile(`[^a-z0-9]+`)

// DerivedTier is the device's label when LIM_TIER is unset: OS, arch, CPU, cores and
// memory, e.g. "linux-amd64-amd-epyc-2c-24g".
func (d Device) DerivedTier() string {
	cpu := strings.ToLower(d.CPUModel)
	for _, noise := range []string{"(r)", "(tm)", " cpu", " processor"} {
		cpu = strings.ReplaceAll(cpu, noise, "")
	}
	if i := strings.Index(cpu, "@"); i >= 0 {
		cpu = cpu[:i]
	}
	parts := []string{d.OS, d.Arch}
	if c := strings.Trim(nonLabel.ReplaceAllString(cpu, "-"), "-"); c != "" {
		parts = append(parts, c)
	}
	parts = append(parts, fmt.Sprintf("%dc", d.Cores))
	if d.Memory > 0 {
		parts = append(parts, fmt.Sprintf("%dg", (d.Memory+(1<<29))>>30))
	}
	return strings.Join(parts, "-")
}
